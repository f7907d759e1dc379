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
 */
public record RunEnd(String runId, RunStatus status, @Nullable String output, @Nullable String error,
		@Nullable String errorStack, Instant endedAt) {

}
