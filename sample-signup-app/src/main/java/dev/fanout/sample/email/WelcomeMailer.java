package dev.fanout.sample.email;

/**
 * Sends the welcome email: {@link SmtpWelcomeMailer} when {@code spring.mail.host} is
 * set, otherwise {@link LocalMailStandIn}.
 *
 * @since 0.1.0
 */
public interface WelcomeMailer {

	/**
	 * Send a message.
	 * @param message the message
	 * @return what was done
	 * @throws EmailOutageException while the simulated outage is on
	 */
	EmailReceipt send(WelcomeMessage message);

}
