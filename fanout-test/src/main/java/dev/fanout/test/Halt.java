package dev.fanout.test;

import java.time.Instant;

/**
 * Why an invocation of the function under test stopped before it returned, mirroring the
 * engine's interruptions. Thrown into user code as {@link Signal}, an {@link Error} so
 * that {@code catch (Exception e)} does not swallow it; the tester acts on the halt it
 * recorded even if user code caught the signal anyway.
 */
sealed interface Halt {

	/** A step failed and will be retried: the run is invoked again from the top. */
	record Retry(StepRow failedAttempt, Instant dueAt) implements Halt {
	}

	/** A sleep, wait or invoke parked the run until {@code dueAt}. */
	record Parked(Instant dueAt) implements Halt {
	}

	/** {@code executeUntil} reached its step. */
	record Stopped(String stepKey) implements Halt {
	}

	/** The test set-up cannot go on (an unmocked invoke, a wrong mock): fail the test. */
	record Misuse(String message) implements Halt {
	}

	/**
	 * The throwable that unwinds the function's stack after a halt.
	 */
	final class Signal extends Error {

		Signal(Halt halt) {
			super("fanout test run halted: " + halt, null, false, false);
		}

	}

}
