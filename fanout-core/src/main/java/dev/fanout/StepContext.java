package dev.fanout;

import java.util.concurrent.Callable;

/**
 * Runs the steps of a function. Each step's output is stored once it succeeds; on a retry
 * or after a crash the function is invoked again and completed steps return their stored
 * output without being called again. Code between steps runs again on every invocation,
 * so it must be deterministic.
 * <p>
 * A step id used several times in one run (a loop) is keyed {@code id}, {@code id:1},
 * {@code id:2}, ... Steps may not be nested.
 *
 * @since 0.1.0
 */
public interface StepContext {

	/**
	 * Run a step once and return its output, restored to the type it had when stored.
	 * @param <T> the output type
	 * @param id the step id
	 * @param fn the step body
	 * @return the step output, possibly {@code null}
	 * @throws StepFailedException when the step exhausted its retries or failed without
	 * retry
	 */
	<T> T run(String id, Callable<T> fn);

	/**
	 * Run a step once and return its output converted to the given type.
	 * @param <T> the output type
	 * @param id the step id
	 * @param type the output type
	 * @param fn the step body
	 * @return the step output, possibly {@code null}
	 * @throws StepFailedException when the step exhausted its retries or failed without
	 * retry
	 */
	<T> T run(String id, Class<T> type, Callable<T> fn);

	/**
	 * Run a step once that returns nothing.
	 * @param id the step id
	 * @param fn the step body
	 * @throws StepFailedException when the step exhausted its retries or failed without
	 * retry
	 */
	void run(String id, ThrowingRunnable fn);

}
