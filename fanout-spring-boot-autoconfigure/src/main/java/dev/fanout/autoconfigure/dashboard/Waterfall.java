package dev.fanout.autoconfigure.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.fanout.RunInfo;
import dev.fanout.StepInfo;

/**
 * A run's steps on one time axis, from its creation to its end (or now): before each
 * step, the time it waited (in the queue, a retry's backoff, or between steps) apart from
 * the step itself; a sleep or a wait for an event is all waiting.
 */
final class Waterfall {

	private final Instant start;

	private final Instant end;

	private final double span;

	Waterfall(RunInfo run, Instant now) {
		this.start = run.createdAt();
		this.end = latest(run, now);
		this.span = Math.max(1, Duration.between(this.start, this.end).toNanos());
	}

	Axis axis() {
		return new Axis(Views.time(this.start), Views.duration(Duration.between(this.start, this.end)));
	}

	/** The time a run waited before it first started. */
	Row queue(RunInfo run) {
		Instant started = Objects.requireNonNullElse(run.startedAt(), this.end);
		return new Row(List.of(bar("wait", this.start, started, "queued")));
	}

	List<StepRow> steps(RunInfo run, Views views) {
		List<StepRow> rows = new ArrayList<>();
		Instant previous = Objects.requireNonNullElse(run.startedAt(), this.start);
		for (StepInfo step : run.steps()) {
			Instant started = Objects.requireNonNullElse(step.startedAt(), previous);
			Instant ended = Objects.requireNonNullElse(step.endedAt(), this.end);
			List<Bar> bars = new ArrayList<>();
			if (started.isAfter(previous)) {
				bars.add(bar("wait", previous, started,
						"waited " + Views.duration(Duration.between(previous, started))));
			}
			boolean waits = step.wakeAt() != null || step.waitsFor() != null;
			String length = Views.duration(Duration.between(started, ended));
			bars.add(bar(waits ? "wait" : "exec", started, ended, (waits ? "waited " : "ran ") + length));
			rows.add(new StepRow(step.key(), step.status().name(), step.attempts(), bars,
					Views.time(started) + " · " + length, step.waitsFor(), Views.time(step.wakeAt()), step.error(),
					step.errorStack(), views.pretty(step.output())));
			previous = ended.isAfter(previous) ? ended : previous;
		}
		return rows;
	}

	private Bar bar(String kind, Instant from, Instant to, String title) {
		double left = Duration.between(this.start, from).toNanos() * 100 / this.span;
		double width = Math.max(0, Duration.between(from, to).toNanos()) * 100 / this.span;
		return new Bar(kind, percent(Math.min(100, Math.max(0, left))), percent(Math.min(100 - left, width)), title);
	}

	private static String percent(double value) {
		return String.format(Locale.ROOT, "%.2f", Math.max(0, value));
	}

	private static Instant latest(RunInfo run, Instant now) {
		Instant latest = (run.endedAt() != null) ? run.endedAt() : now;
		for (StepInfo step : run.steps()) {
			if (step.endedAt() != null && step.endedAt().isAfter(latest)) {
				latest = step.endedAt();
			}
		}
		return latest.isAfter(run.createdAt()) ? latest : run.createdAt();
	}

	/**
	 * The axis' labels.
	 *
	 * @param start when the run was created
	 * @param span how long the axis is
	 */
	record Axis(String start, String span) {
	}

	/**
	 * A bar on the axis, placed in percent of it.
	 *
	 * @param kind {@code exec} or {@code wait}
	 * @param left where it starts
	 * @param width how long it is
	 * @param title what it shows, for a tooltip
	 */
	record Bar(String kind, String left, String width, String title) {
	}

	/**
	 * A row of bars.
	 *
	 * @param bars the bars
	 */
	record Row(List<Bar> bars) {
	}

	/**
	 * A step's row.
	 *
	 * @param key the step key
	 * @param status its status
	 * @param attempts its attempts
	 * @param bars its bars
	 * @param timing when it started and for how long
	 * @param waitsFor what it waits for, or {@code null}
	 * @param wakeAt until when it sleeps or waits, or empty
	 * @param error its error, or {@code null}
	 * @param errorStack its error's stack, or {@code null}
	 * @param output its output, indented, or empty
	 */
	record StepRow(String key, String status, int attempts, List<Bar> bars, String timing, @Nullable String waitsFor,
			String wakeAt, @Nullable String error, @Nullable String errorStack, String output) {
	}

}
