package dev.fanout;

/**
 * Thrown from a step or a function to fail it at once, without retries.
 *
 * @since 0.1.0
 */
public class NonRetriableException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what went wrong
	 */
	public NonRetriableException(String message) {
		super(message);
	}

	/**
	 * Create an exception.
	 * @param message what went wrong
	 * @param cause the cause
	 */
	public NonRetriableException(String message, Throwable cause) {
		super(message, cause);
	}

}
