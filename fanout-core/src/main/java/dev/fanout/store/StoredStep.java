package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.fanout.StepStatus;

/**
 * A step row: what is stored for one step key of a run.
 *
 * @param key the step key
 * @param position the order in which the run first reached the step
 * @param status the status
 * @param output the output as JSON, once completed
 * @param outputType the class name of the output, for restoring it
 * @param error the last error, as {@code ExceptionType: message}
 * @param errorStack the stack trace of the last error
 * @param attempts how many attempts were made
 * @param wakeAt when a sleeping or waiting step is due
 * @param startedAt when the first attempt started
 * @param endedAt when the step completed or failed for good
 */
public record StoredStep(String key, int position, StepStatus status, @Nullable String output,
		@Nullable String outputType, @Nullable String error, @Nullable String errorStack, int attempts,
		@Nullable Instant wakeAt, Instant startedAt, @Nullable Instant endedAt) {
}
