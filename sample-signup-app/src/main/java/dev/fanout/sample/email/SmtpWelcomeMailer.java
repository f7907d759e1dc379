package dev.fanout.sample.email;

import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * Sends the welcome email over SMTP with Spring's {@link JavaMailSender} (configured by
 * Spring Boot's {@code spring.mail.*}). The simulated outage applies here too.
 *
 * @since 0.1.0
 */
public class SmtpWelcomeMailer implements WelcomeMailer {

	private final JavaMailSender mailSender;

	private final String from;

	private final EmailOutage outage;

	/**
	 * Create a mailer.
	 * @param mailSender the mail sender
	 * @param from the sender address
	 * @param outage the outage switch
	 */
	public SmtpWelcomeMailer(JavaMailSender mailSender, String from, EmailOutage outage) {
		this.mailSender = mailSender;
		this.from = from;
		this.outage = outage;
	}

	@Override
	public EmailReceipt send(WelcomeMessage message) {
		this.outage.check();
		SimpleMailMessage mail = new SimpleMailMessage();
		mail.setFrom(this.from);
		mail.setTo(message.to());
		mail.setSubject(message.subject());
		mail.setText(message.body());
		this.mailSender.send(mail);
		return new EmailReceipt(message.to(), message.subject(), "smtp");
	}

}
