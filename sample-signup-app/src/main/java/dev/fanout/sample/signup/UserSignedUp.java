package dev.fanout.sample.signup;

/**
 * The data of the {@code app/user.signup} event: {@code {"user": {"id": 1, "email":
 * "..."}}}. Functions triggered by the event take it as their data parameter.
 *
 * @param user the user who signed up
 * @since 0.1.0
 */
public record UserSignedUp(SignedUpUser user) {

	/** The event name. */
	public static final String EVENT = "app/user.signup";

	static UserSignedUp of(User user) {
		return new UserSignedUp(new SignedUpUser(user.id(), user.email()));
	}

	/**
	 * The user in a signup event: never the password or its hash.
	 *
	 * @param id the user id
	 * @param email the email address
	 */
	public record SignedUpUser(long id, String email) {

	}

}
