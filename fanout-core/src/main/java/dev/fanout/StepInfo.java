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
 * @param errorStack the stack trace of the last error, or {@code null}
 * @param wakeAt for a sleep, when it ends; for a wait for an event, when it times out;
 * {@code null} for other steps
 * @param waitsFor for a step waiting for an event, the event's name and its match
 * expression, if any, such as {@code app/invoice.paid if async.data.id == event.data.id};
 * {@code null} otherwise
 * @since 0.1.0
 */
public record StepInfo(String key, StepStatus status, @Nullable String output, @Nullable String error, int attempts,
		@Nullable Instant startedAt, @Nullable Instant endedAt, @Nullable String errorStack, @Nullable Instant wakeAt,
		@Nullable String waitsFor) {

	/**
	 * A step without its error stack and wait details.
	 * @param key the step key
	 * @param status the status
	 * @param output the output as JSON, or {@code null}
	 * @param error the last error, or {@code null}
	 * @param attempts how many attempts were made
	 * @param startedAt when the first attempt started, or {@code null}
	 * @param endedAt when the step ended, or {@code null}
	 */
	public StepInfo(String key, StepStatus status, @Nullable String output, @Nullable String error, int attempts,
			@Nullable Instant startedAt, @Nullable Instant endedAt) {
		this(key, status, output, error, attempts, startedAt, endedAt, null, null, null);
	}

}
