package dev.fanout.sample.email;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch that simulates an email provider outage: while it is on, every welcome email
 * fails, so {@code send-welcome-email} runs retry and then fail, ready for a Bulk Replay
 * once it is off. Starts from {@code sample.email.outage}; flipped at runtime by
 * {@code POST /admin/email-outage}.
 *
 * @since 0.1.0
 */
public class EmailOutage {

	private static final Logger logger = LoggerFactory.getLogger(EmailOutage.class);

	private final AtomicBoolean enabled;

	/**
	 * Create the switch.
	 * @param enabled whether the outage starts on
	 */
	public EmailOutage(boolean enabled) {
		this.enabled = new AtomicBoolean(enabled);
	}

	/**
	 * Whether the outage is on.
	 * @return whether sends fail
	 */
	public boolean isEnabled() {
		return this.enabled.get();
	}

	/**
	 * Turn the outage on or off.
	 * @param enabled whether sends fail from now on
	 */
	public void setEnabled(boolean enabled) {
		if (this.enabled.getAndSet(enabled) != enabled) {
			logger.warn("Simulated email provider outage is now {}", enabled ? "ON: welcome emails fail" : "OFF");
		}
	}

	/**
	 * Fail if the outage is on; mailers call this before they send.
	 * @throws EmailOutageException while the outage is on
	 */
	void check() {
		if (isEnabled()) {
			throw new EmailOutageException();
		}
	}

}
