package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.fanout.RunStatus;

/**
 * The final state of a claimed run.
 *
 * @param runId the run
 * @param status the final status
 * @param output the output JSON, or {@code null}
 * @param error the error, or {@code null}
 * @param errorStack the error's stack trace, or {@code null}
 * @param endedAt the end time
 * @since 0.1.0
 */
public record RunEnd(String runId, RunStatus status, @Nullable String output, @Nullable String error,
		@Nullable String errorStack, Instant endedAt) {

	/**
	 * A run that completed.
	 * @param runId the run
	 * @param output the output JSON
	 * @param endedAt the end time
	 * @return the end
	 */
	public static RunEnd completed(String runId, String output, Instant endedAt) {
		return new RunEnd(runId, RunStatus.COMPLETED, output, null, null, endedAt);
	}

	/**
	 * A run that failed for good.
	 * @param runId the run
	 * @param error the error summary
	 * @param errorStack the stack trace
	 * @param endedAt the end time
	 * @return the end
	 */
	public static RunEnd failed(String runId, String error, String errorStack, Instant endedAt) {
		return new RunEnd(runId, RunStatus.FAILED, null, error, errorStack, endedAt);
	}

	/**
	 * A run that was cancelled.
	 * @param runId the run
	 * @param reason why
	 * @param endedAt the end time
	 * @return the end
	 */
	public static RunEnd cancelled(String runId, String reason, Instant endedAt) {
		return new RunEnd(runId, RunStatus.CANCELLED, null, reason, null, endedAt);
	}

}
