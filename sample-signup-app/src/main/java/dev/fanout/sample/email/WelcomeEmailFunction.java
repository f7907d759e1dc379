package dev.fanout.sample.email;

import org.springframework.stereotype.Component;

import dev.fanout.EventFunction;
import dev.fanout.StepContext;
import dev.fanout.Throttle;
import dev.fanout.sample.signup.UserSignedUp;

/**
 * The {@code send-welcome-email} function: one step, {@code send-email}, retried with the
 * default retries (4) when the mailer fails. Its run is independent of
 * {@code start-stripe-trial}: an email outage fails this run only.
 * <p>
 * The mail provider takes 20 messages a second: when a Bulk Replay re-sends every email
 * that failed during an outage, their starts are spaced to that rate instead of hitting
 * the provider at once.
 *
 * @since 0.1.0
 */
@Component
public class WelcomeEmailFunction {

	private final WelcomeMailer mailer;

	public WelcomeEmailFunction(WelcomeMailer mailer) {
		this.mailer = mailer;
	}

	@EventFunction(id = "send-welcome-email", name = "Send welcome email", event = UserSignedUp.EVENT)
	@Throttle(limit = 20, period = "1s")
	public EmailReceipt sendWelcomeEmail(UserSignedUp signup, StepContext step) {
		WelcomeMessage message = WelcomeMessage.forUser(signup.user());
		return step.run("send-email", EmailReceipt.class, () -> this.mailer.send(message));
	}

}
