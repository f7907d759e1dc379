package dev.fanout.spi;

import java.time.Duration;

import dev.fanout.RunStatus;

/**
 * What the engine reports as it works, for metrics: events sent, runs created, started,
 * ended and skipped, steps ended, with their durations. Every method is called on the
 * thread that did the work, after it committed, and must return quickly; the default does
 * nothing. The Spring Boot auto-configuration binds it to Micrometer when a
 * {@code MeterRegistry} is present.
 *
 * @since 0.1.0
 */
public interface FanoutMetrics {

	/** Reports nothing. */
	FanoutMetrics NONE = new FanoutMetrics() {
	};

	/**
	 * Events were stored.
	 * @param source who sent them: {@code api} (an {@code EventSender}), {@code http}
	 * (the HTTP event API), {@code step} (a step's {@code sendEvent}) or {@code system}
	 * (the engine's own events, such as {@code fanout/function.failed})
	 * @param count how many
	 */
	default void eventsSent(String source, int count) {
	}

	/**
	 * Runs of a function were created.
	 * @param functionId the function
	 * @param count how many
	 */
	default void runsCreated(String functionId, int count) {
	}

	/**
	 * An attempt of a run started on this instance.
	 * @param functionId the function
	 * @param scheduleToStart from when it was due to when it started: its time in the
	 * queue
	 */
	default void runStarted(String functionId, Duration scheduleToStart) {
	}

	/**
	 * A run reached a final status.
	 * @param functionId the function
	 * @param status {@code COMPLETED}, {@code FAILED} or {@code CANCELLED}
	 * @param duration from its first start to its end, sleeps included, or {@code null}
	 * if it never started
	 */
	default void runEnded(String functionId, RunStatus status, @org.jspecify.annotations.Nullable Duration duration) {
	}

	/**
	 * Events made no run of a function because of its flow control.
	 * @param functionId the function
	 * @param reason {@code rate-limit}, {@code idempotency}, {@code singleton} or
	 * {@code debounce}
	 * @param count how many
	 */
	default void runsSkipped(String functionId, String reason, int count) {
	}

	/**
	 * An attempt of a step ended.
	 * @param functionId the function
	 * @param outcome {@code completed}, {@code failed} (for good) or {@code retried}
	 * @param duration how long the attempt ran
	 */
	default void stepEnded(String functionId, String outcome, Duration duration) {
	}

}
