package dev.fanout.sample.email;

import dev.fanout.sample.signup.UserSignedUp.SignedUpUser;

/**
 * The welcome email for a new user.
 *
 * @param to the recipient
 * @param subject the subject
 * @param body the plain text body
 * @since 0.1.0
 */
public record WelcomeMessage(String to, String subject, String body) {

	static WelcomeMessage forUser(SignedUpUser user) {
		return new WelcomeMessage(user.email(), "Welcome to the fanout signup sample",
				"Hello,\n\nthanks for signing up (user #" + user.id() + "). Your 14-day trial has started.\n");
	}

}
