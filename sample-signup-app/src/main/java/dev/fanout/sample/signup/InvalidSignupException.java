package dev.fanout.sample.signup;

import java.util.Map;

/**
 * A signup request with invalid fields; answered with 400 and the field errors.
 *
 * @since 0.1.0
 */
public class InvalidSignupException extends RuntimeException {

	private final Map<String, String> fieldErrors;

	/**
	 * Create an exception.
	 * @param fieldErrors what is wrong with each field, by field name
	 */
	public InvalidSignupException(Map<String, String> fieldErrors) {
		super("Invalid signup: " + fieldErrors);
		this.fieldErrors = Map.copyOf(fieldErrors);
	}

	/**
	 * What is wrong with each field.
	 * @return the errors by field name
	 */
	public Map<String, String> fieldErrors() {
		return this.fieldErrors;
	}

}
