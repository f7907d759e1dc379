package dev.fanout.sample.signup;

/**
 * A signup with an email address that already has an account; answered with 409.
 *
 * @since 0.1.0
 */
public class EmailAlreadyRegisteredException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param cause the unique key violation, when the database caught the duplicate
	 */
	public EmailAlreadyRegisteredException(Throwable cause) {
		super("An account with this email address already exists", cause);
	}

	/**
	 * Create an exception.
	 */
	public EmailAlreadyRegisteredException() {
		super("An account with this email address already exists");
	}

}
