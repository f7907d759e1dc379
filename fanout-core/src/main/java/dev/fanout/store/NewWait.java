package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A pending matcher: a {@code waitForEvent} step or a {@code @CancelOn} of a run.
 *
 * @param runId the run
 * @param stepKey the waiting step, or a key naming the cancellation
 * @param kind {@link #EVENT} or {@link #CANCEL}
 * @param eventName the awaited event name
 * @param match the SpEL match expression, or {@code null} for any event of that name
 * @param expiresAt when it stops applying
 */
public record NewWait(String runId, String stepKey, String kind, String eventName, @Nullable String match,
		Instant expiresAt) {

	/** A {@code waitForEvent} step. */
	public static final String EVENT = "event";

	/** A {@code @CancelOn} cancellation. */
	public static final String CANCEL = "cancel";

}
