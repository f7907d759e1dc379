package dev.fanout.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fanout.RunInfo;
import dev.fanout.StepInfo;

/**
 * Describes runs for assertion messages: status, attempts, error, output and every step
 * with its status, attempts and error, so a failing test says what happened without a
 * debugger.
 */
final class RunDescriptions {

	private static final int MAX_TEXT = 500;

	private RunDescriptions() {
	}

	static String describe(RunInfo run) {
		return describe(run, run.eventId());
	}

	/**
	 * Describe a run found for an event: a batch's run found for another of its events
	 * than the first says so.
	 */
	private static String describe(RunInfo run, String eventId) {
		StringBuilder out = new StringBuilder();
		out.append("run ")
			.append(run.runId())
			.append(" of '")
			.append(run.functionId())
			.append("' (event ")
			.append(run.eventId());
		if (!run.eventId().equals(eventId)) {
			out.append("; its batch holds event ").append(eventId);
		}
		out.append("): ")
			.append(run.status())
			.append(" after ")
			.append(run.attempts())
			.append((run.attempts() == 1) ? " attempt" : " attempts");
		if (run.error() != null) {
			out.append("\n  error: ").append(shorten(run.error()));
		}
		if (run.output() != null) {
			out.append("\n  output: ").append(shorten(run.output()));
		}
		if (run.steps().isEmpty()) {
			out.append("\n  steps: none");
		}
		else {
			out.append("\n  steps:");
			for (StepInfo step : run.steps()) {
				out.append("\n    ").append(describe(step));
			}
		}
		return out.toString();
	}

	/**
	 * Describe the runs of an event.
	 */
	static String describe(List<RunInfo> runs, String eventId) {
		if (runs.isEmpty()) {
			return "no runs";
		}
		StringBuilder out = new StringBuilder();
		for (RunInfo run : runs) {
			out.append((out.length() > 0) ? "\n" : "").append(describe(run, eventId));
		}
		return out.toString();
	}

	private static String describe(StepInfo step) {
		StringBuilder out = new StringBuilder();
		out.append(step.key())
			.append(": ")
			.append(step.status())
			.append(", ")
			.append(step.attempts())
			.append((step.attempts() == 1) ? " attempt" : " attempts");
		if (step.error() != null) {
			out.append(", error: ").append(shorten(step.error()));
		}
		if (step.output() != null) {
			out.append(", output: ").append(shorten(step.output()));
		}
		return out.toString();
	}

	private static String shorten(@Nullable String text) {
		String value = String.valueOf(text);
		return (value.length() > MAX_TEXT) ? value.substring(0, MAX_TEXT) + "... (" + value.length() + " chars)"
				: value;
	}

}
