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
 * @param errorStack the stack trace of the error, or {@code null}
 * @param appId the application whose function it is, or {@code null} if not known
 * @param eventName the name of the triggering event, or {@code null} once retention
 * removed the event
 * @since 0.1.0
 */
public record RunInfo(String runId, String functionId, String eventId, RunStatus status, int attempts,
		@Nullable String output, @Nullable String error, Instant createdAt, @Nullable Instant startedAt,
		@Nullable Instant endedAt, List<StepInfo> steps, @Nullable String errorStack, @Nullable String appId,
		@Nullable String eventName) {

	public RunInfo {
		steps = List.copyOf(steps);
	}

	/**
	 * A run without its error stack, application and event name.
	 * @param runId the run id
	 * @param functionId the function id
	 * @param eventId the id of the triggering event
	 * @param status the status
	 * @param attempts how many times the function was invoked
	 * @param output the output as JSON, or {@code null}
	 * @param error the error, or {@code null}
	 * @param createdAt when the run was created
	 * @param startedAt when a worker first started it, or {@code null}
	 * @param endedAt when it reached a final status, or {@code null}
	 * @param steps the steps in execution order
	 */
	public RunInfo(String runId, String functionId, String eventId, RunStatus status, int attempts,
			@Nullable String output, @Nullable String error, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant endedAt, List<StepInfo> steps) {
		this(runId, functionId, eventId, status, attempts, output, error, createdAt, startedAt, endedAt, steps, null,
				null, null);
	}

}
