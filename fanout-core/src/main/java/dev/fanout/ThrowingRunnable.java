package dev.fanout;

/**
 * A step body that returns nothing and may throw.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ThrowingRunnable {

	/**
	 * Run the step body.
	 * @throws Exception any failure, which the step's retry policy handles
	 */
	void run() throws Exception;

}
