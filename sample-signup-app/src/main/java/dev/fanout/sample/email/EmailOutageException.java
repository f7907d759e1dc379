package dev.fanout.sample.email;

/**
 * Thrown by a mailer while the simulated email provider outage is on. Retried like any
 * provider failure.
 *
 * @since 0.1.0
 */
public class EmailOutageException extends RuntimeException {

	EmailOutageException() {
		super("Simulated email provider outage (sample.email.outage / POST /admin/email-outage): "
				+ "the welcome email was not sent");
	}

}
