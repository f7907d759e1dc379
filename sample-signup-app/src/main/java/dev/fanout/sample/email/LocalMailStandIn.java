package dev.fanout.sample.email;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for an email provider, used when {@code spring.mail.host} is not set:
 * it sends nothing, logs the message and keeps the last ones in memory. It obeys the
 * outage switch like the real mailer.
 *
 * @since 0.1.0
 */
public class LocalMailStandIn implements WelcomeMailer {

	private static final Logger logger = LoggerFactory.getLogger(LocalMailStandIn.class);

	private static final int KEPT = 100;

	private final Deque<WelcomeMessage> sent = new ArrayDeque<>();

	private final EmailOutage outage;

	/**
	 * Create the stand-in.
	 * @param outage the outage switch
	 */
	public LocalMailStandIn(EmailOutage outage) {
		this.outage = outage;
		logger.info("Email stand-in in use: spring.mail.host is not set, so welcome emails are logged, not sent");
	}

	@Override
	public EmailReceipt send(WelcomeMessage message) {
		this.outage.check();
		synchronized (this.sent) {
			if (this.sent.size() == KEPT) {
				this.sent.removeFirst();
			}
			this.sent.addLast(message);
		}
		logger.info("Email stand-in (not sent): to={} subject=\"{}\"", message.to(), message.subject());
		return new EmailReceipt(message.to(), message.subject(), "local stand-in (not sent)");
	}

	/**
	 * The messages this stand-in took, oldest first (the last {@value #KEPT}).
	 * @return the messages
	 */
	public List<WelcomeMessage> sentMessages() {
		synchronized (this.sent) {
			return List.copyOf(this.sent);
		}
	}

}
