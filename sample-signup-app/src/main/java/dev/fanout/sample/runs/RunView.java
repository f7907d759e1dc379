package dev.fanout.sample.runs;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;
import org.jspecify.annotations.Nullable;

import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;

/**
 * A run as {@code GET /users/{id}/runs} shows it: {@link RunInfo} with its output written
 * as JSON rather than as a string of JSON.
 *
 * @param runId the run id
 * @param functionId the function id
 * @param status the status
 * @param attempts how many times the function was invoked
 * @param output the output, JSON
 * @param error the error, once failed
 * @param createdAt when the run was created
 * @param startedAt when it started
 * @param endedAt when it ended
 * @param steps the steps in execution order
 * @since 0.1.0
 */
public record RunView(String runId, String functionId, RunStatus status, int attempts,
		@JsonRawValue @Nullable String output, @Nullable String error, Instant createdAt, @Nullable Instant startedAt,
		@Nullable Instant endedAt, List<Step> steps) {

	static RunView of(RunInfo run) {
		return new RunView(run.runId(), run.functionId(), run.status(), run.attempts(), run.output(), run.error(),
				run.createdAt(), run.startedAt(), run.endedAt(), run.steps().stream().map(Step::of).toList());
	}

	/**
	 * A step of a run.
	 *
	 * @param key the step key
	 * @param status the status
	 * @param output the output, JSON
	 * @param error the last error
	 * @param attempts how many attempts were made
	 * @param startedAt when the first attempt started
	 * @param endedAt when it completed or failed for good
	 */
	public record Step(String key, StepStatus status, @JsonRawValue @Nullable String output, @Nullable String error,
			int attempts, @Nullable Instant startedAt, @Nullable Instant endedAt) {

		static Step of(StepInfo step) {
			return new Step(step.key(), step.status(), step.output(), step.error(), step.attempts(), step.startedAt(),
					step.endedAt());
		}

	}

}
