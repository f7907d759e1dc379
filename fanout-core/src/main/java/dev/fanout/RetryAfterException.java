package dev.fanout;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Thrown from a step or a function to be retried no sooner than a given time (for example
 * when a provider answers 429 with {@code Retry-After}), instead of after the usual
 * backoff. It still counts as an attempt.
 *
 * @since 0.1.0
 */
public class RetryAfterException extends RuntimeException {

	private final @Nullable Duration delay;

	private final @Nullable Instant retryAt;

	/**
	 * Retry after the given delay.
	 * @param message what went wrong
	 * @param delay how long to wait, at least zero
	 */
	public RetryAfterException(String message, Duration delay) {
		this(message, delay, null, null);
	}

	/**
	 * Retry at the given time.
	 * @param message what went wrong
	 * @param retryAt the earliest time of the next attempt
	 */
	public RetryAfterException(String message, Instant retryAt) {
		this(message, null, retryAt, null);
	}

	/**
	 * Retry after the given delay.
	 * @param message what went wrong
	 * @param delay how long to wait, at least zero
	 * @param cause the cause
	 */
	public RetryAfterException(String message, Duration delay, Throwable cause) {
		this(message, delay, null, cause);
	}

	private RetryAfterException(String message, @Nullable Duration delay, @Nullable Instant retryAt,
			@Nullable Throwable cause) {
		super(message, cause);
		if (delay != null && delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative: " + delay);
		}
		this.delay = delay;
		this.retryAt = retryAt;
	}

	/**
	 * The earliest time of the next attempt.
	 * @param now the time of the failure
	 * @return when to retry
	 */
	public Instant retryAt(Instant now) {
		if (this.retryAt != null) {
			return this.retryAt.isBefore(now) ? now : this.retryAt;
		}
		return now.plus((this.delay != null) ? this.delay : Duration.ZERO);
	}

}
