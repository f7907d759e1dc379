package dev.fanout.engine.remote;

/**
 * A remote function's call or step failed in a way that may be retried; its message is
 * the app's error.
 *
 * @since 0.1.0
 */
public class RemoteStepException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the app's error
	 */
	public RemoteStepException(String message) {
		super(message);
	}

}
