package dev.fanout.sample.signup;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /signup}. Validated by hand: the rules are few, and the
 * messages name the fields.
 *
 * @param email the email address
 * @param password the password in clear; never logged ({@link #toString()} hides it) nor
 * stored
 * @since 0.1.0
 */
public record SignupRequest(@Nullable String email, @Nullable String password) {

	/** The shortest accepted password. */
	public static final int MIN_PASSWORD_LENGTH = 8;

	/**
	 * The longest accepted password, which bounds the hashing work one request can ask
	 * for.
	 */
	public static final int MAX_PASSWORD_LENGTH = 256;

	private static final int MAX_EMAIL_LENGTH = 254;

	// Deliberately loose (one @, no spaces, a dotted domain): delivery is the proof.
	private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s.]+$");

	/**
	 * Check the request.
	 * @throws InvalidSignupException naming every invalid field
	 */
	public void validate() {
		Map<String, String> errors = new LinkedHashMap<>();
		if (this.email == null || this.email.isBlank()) {
			errors.put("email", "must not be empty");
		}
		else if (this.email.strip().length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(this.email.strip()).matches()) {
			errors.put("email", "must be a valid email address");
		}
		if (this.password == null || this.password.isEmpty()) {
			errors.put("password", "must not be empty");
		}
		else if (this.password.length() < MIN_PASSWORD_LENGTH) {
			errors.put("password", "must be at least " + MIN_PASSWORD_LENGTH + " characters");
		}
		else if (this.password.length() > MAX_PASSWORD_LENGTH) {
			errors.put("password", "must be at most " + MAX_PASSWORD_LENGTH + " characters");
		}
		if (!errors.isEmpty()) {
			throw new InvalidSignupException(errors);
		}
	}

	/**
	 * The email address as stored: trimmed and lower case, so that one address is one
	 * account.
	 * @return the normalized email address
	 */
	public String normalizedEmail() {
		if (this.email == null) {
			throw new IllegalStateException("email is missing; validate() first");
		}
		return this.email.strip().toLowerCase(Locale.ROOT);
	}

	@Override
	public String toString() {
		return "SignupRequest[email=" + this.email + ", password=(hidden)]";
	}

}
