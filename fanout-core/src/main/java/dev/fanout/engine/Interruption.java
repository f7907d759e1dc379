package dev.fanout.engine;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.fanout.store.StoredStep;

/**
 * Why an invocation stopped before the function returned. Thrown into user code as
 * {@link Signal}, an {@link Error} so that {@code catch (Exception e)} does not swallow
 * it; the executor acts on the interruption it recorded even if user code caught the
 * signal anyway.
 */
sealed interface Interruption {

	/**
	 * A step failed and will be retried: store the failed attempt and requeue the run.
	 */
	record RetryStep(StoredStep failedAttempt, Instant dueAt) implements Interruption {
	}

	/** Another owner took the run over; write nothing more. */
	record LeaseLost() implements Interruption {
	}

	/** The worker is stopping: hand the run back before its next step. */
	record Suspend() implements Interruption {
	}

	/** The run slept or waited: it is parked and committed; nothing is left to write. */
	record Parked(Instant dueAt) implements Interruption {
	}

	/** The run was asked to cancel: end it as cancelled before its next step. */
	record Cancelled(@Nullable String reason) implements Interruption {
	}

	/**
	 * The throwable that unwinds the function's stack after an interruption.
	 */
	final class Signal extends Error {

		Signal(Interruption interruption) {
			super("fanout run interrupted: " + interruption, null, false, false);
		}

	}

}
