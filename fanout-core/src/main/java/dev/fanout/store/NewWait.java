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
 * @param matchOn for a match by key, the path of the value on the arriving event, such as
 * {@code data.user.id}, else {@code null}
 * @param matchKey for a match by key, the value the arriving event must have there, as
 * {@link #keyed} was given it
 * @since 0.1.0
 */
public record NewWait(String runId, String stepKey, String kind, String eventName, @Nullable String match,
		Instant expiresAt, @Nullable String matchOn, @Nullable String matchKey) {

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
		return new NewWait(runId, stepKey, EVENT, eventName, match, expiresAt, null, null);
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
		return new NewWait(runId, ruleKey, CANCEL, eventName, match, expiresAt, null, null);
	}

	/**
	 * This matcher, found by key: only an event whose value at a path equals the given
	 * key can match it, so a send looks it up by that value.
	 * @param path the path on the arriving event
	 * @param key the value, as a key
	 * @return the matcher, keyed
	 */
	public NewWait keyed(String path, String key) {
		return new NewWait(this.runId, this.stepKey, this.kind, this.eventName, this.match, this.expiresAt, path, key);
	}

}
