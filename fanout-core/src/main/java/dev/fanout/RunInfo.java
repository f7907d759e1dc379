package dev.fanout;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a run and its steps.
 *
 * @param runId the run id
 * @param functionId the function id
 * @param eventId the id of the triggering event
 * @param status the status
 * @param attempts how many times the function was invoked for this run
 * @param output the output as JSON, once completed
 * @param error the error, once failed
 * @param createdAt when the run was created
 * @param startedAt when a worker first started it
 * @param endedAt when it reached a final status
 * @param steps the steps in execution order
 * @since 0.1.0
 */
public record RunInfo(String runId, String functionId, String eventId, RunStatus status, int attempts,
		@Nullable String output, @Nullable String error, Instant createdAt, @Nullable Instant startedAt,
		@Nullable Instant endedAt, List<StepInfo> steps) {

	public RunInfo {
		steps = List.copyOf(steps);
	}

}
