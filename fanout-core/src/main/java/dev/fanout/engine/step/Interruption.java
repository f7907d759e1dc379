package dev.fanout.engine.step;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.fanout.store.StoredStep;

/**
 * Why an invocation stopped before the function returned. Thrown into user code as
 * {@link Signal}, an {@link Error} so that {@code catch (Exception e)} does not swallow
 * it; whoever runs the invocation acts on the interruption it recorded even if user code
 * caught the signal anyway.
 *
 * @since 0.1.0
 */
public sealed interface Interruption {

	/**
	 * A step failed and will be retried: store the failed attempt and requeue the run.
	 *
	 * @param failedAttempt the failed attempt's row
	 * @param dueAt when the run may run again
	 */
	record RetryStep(StoredStep failedAttempt, Instant dueAt) implements Interruption {
	}

	/** Another owner took the run over; write nothing more. */
	record LeaseLost() implements Interruption {
	}

	/**
	 * The run stops before its next step, with what it recorded so far: the worker is
	 * stopping and hands it back, or the test kit stops it.
	 */
	record Suspend() implements Interruption {
	}

	/**
	 * The run slept or waited: it is parked and recorded; nothing is left to write.
	 *
	 * @param dueAt when it is due again if nothing resumes it before
	 */
	record Parked(Instant dueAt) implements Interruption {
	}

	/**
	 * The run was asked to cancel: end it as cancelled before its next step.
	 *
	 * @param reason why, or {@code null} for the reason recorded with the request
	 */
	record Cancelled(@Nullable String reason) implements Interruption {
	}

	/**
	 * The throwable that unwinds the function's stack after an interruption.
	 */
	final class Signal extends Error {

		private static final long serialVersionUID = 1L;

		Signal(Interruption interruption) {
			super("fanout run interrupted: " + interruption, null, false, false);
		}

	}

}
