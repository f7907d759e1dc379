package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A pending matcher: a {@code waitForEvent} step or a {@code @CancelOn} of a run. Built
 * through {@link #forEvent} or {@link #forCancel}; the store's row mapper alone uses the
 * constructor.
 *
 * @param runId the run
 * @param stepKey the waiting step, or a key naming the cancellation
 * @param kind {@link #EVENT} or {@link #CANCEL}
 * @param eventName the awaited event name
 * @param match the SpEL match expression, or {@code null} for any event of that name
 * @param expiresAt when it stops applying
 * @since 0.1.0
 */
public record NewWait(String runId, String stepKey, String kind, String eventName, @Nullable String match,
		Instant expiresAt) {

	/** A {@code waitForEvent} step. */
	public static final String EVENT = "event";

	/** A {@code @CancelOn} cancellation. */
	public static final String CANCEL = "cancel";

	/**
	 * The matcher of a {@code waitForEvent} step.
	 * @param runId the run
	 * @param stepKey the waiting step
	 * @param eventName the awaited event name
	 * @param match the match expression, or {@code null} for any event of that name
	 * @param expiresAt when the step times out
	 * @return the matcher
	 */
	public static NewWait forEvent(String runId, String stepKey, String eventName, @Nullable String match,
			Instant expiresAt) {
		return new NewWait(runId, stepKey, EVENT, eventName, match, expiresAt);
	}

	/**
	 * The matcher of a {@code @CancelOn} rule.
	 * @param runId the run
	 * @param ruleKey a key naming the rule within the run
	 * @param eventName the event name that cancels
	 * @param match the match expression, or {@code null} for any event of that name
	 * @param expiresAt when the rule stops applying
	 * @return the matcher
	 */
	public static NewWait forCancel(String runId, String ruleKey, String eventName, @Nullable String match,
			Instant expiresAt) {
		return new NewWait(runId, ruleKey, CANCEL, eventName, match, expiresAt);
	}

}
