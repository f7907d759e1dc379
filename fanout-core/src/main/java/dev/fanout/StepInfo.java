package dev.fanout;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one step of a run.
 *
 * @param key the step key ({@code id}, or {@code id:n} for the n-th repeat)
 * @param status the status
 * @param output the output as JSON, once completed
 * @param error the last error, if an attempt failed
 * @param attempts how many attempts were made
 * @param startedAt when the first attempt started
 * @param endedAt when the step completed or failed for good
 * @since 0.1.0
 */
public record StepInfo(String key, StepStatus status, @Nullable String output, @Nullable String error, int attempts,
		@Nullable Instant startedAt, @Nullable Instant endedAt) {
}
