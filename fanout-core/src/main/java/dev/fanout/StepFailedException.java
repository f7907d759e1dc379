package dev.fanout;

/**
 * Thrown into a function when one of its steps failed for good: it exhausted its retries
 * or threw an exception that is not retried. A function may catch it and go on; if it
 * does not, the run fails.
 *
 * @since 0.1.0
 */
public class StepFailedException extends RuntimeException {

	private final String stepKey;

	/**
	 * Create an exception.
	 * @param stepKey the key of the step that failed
	 * @param message the step's error message
	 * @param cause the step's error, when known in this invocation
	 */
	public StepFailedException(String stepKey, String message, Throwable cause) {
		super("Step '" + stepKey + "' failed: " + message, cause);
		this.stepKey = stepKey;
	}

	/**
	 * Create an exception for a step whose failure was recorded by an earlier invocation.
	 * @param stepKey the key of the step that failed
	 * @param message the recorded error message
	 */
	public StepFailedException(String stepKey, String message) {
		super("Step '" + stepKey + "' failed: " + message);
		this.stepKey = stepKey;
	}

	/**
	 * The key of the step that failed.
	 * @return the step key
	 */
	public String stepKey() {
		return this.stepKey;
	}

}
