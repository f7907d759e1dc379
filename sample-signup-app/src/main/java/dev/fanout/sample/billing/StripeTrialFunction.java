package dev.fanout.sample.billing;

import org.springframework.stereotype.Component;

import dev.fanout.Concurrency;
import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.StepContext;
import dev.fanout.sample.SampleProperties;
import dev.fanout.sample.signup.UserSignedUp.SignedUpUser;
import dev.fanout.sample.signup.UserSignedUp;

/**
 * The {@code start-stripe-trial} function: step {@code create-customer}, then step
 * {@code create-subscription} for a {@value #TRIAL_DAYS}-day trial of
 * {@code sample.stripe.price-id}.
 * <p>
 * The customer id flows from the first step's stored output into the second: if the
 * second step fails and is retried (or the run is resumed by a replay), the customer is
 * not created again.
 * <p>
 * Stripe bounds the requests of one account in flight, whichever function sends them: at
 * most {@value #STRIPE_CALLS} runs of every function declaring the global
 * {@code 'stripe'} key execute at once, across all instances.
 *
 * @since 0.1.0
 */
@Component
public class StripeTrialFunction {

	/** The length of the trial. */
	public static final int TRIAL_DAYS = 14;

	/** The most runs calling Stripe at once. */
	public static final int STRIPE_CALLS = 10;

	private final TrialBilling billing;

	private final String priceId;

	public StripeTrialFunction(TrialBilling billing, SampleProperties properties) {
		this.billing = billing;
		this.priceId = properties.stripe().priceId();
	}

	@EventFunction(id = "start-stripe-trial", name = "Start Stripe trial", event = UserSignedUp.EVENT)
	@Concurrency(limit = STRIPE_CALLS, key = "'stripe'", scope = Concurrency.Scope.GLOBAL)
	public TrialStarted startTrial(UserSignedUp signup, StepContext step, RunContext run) {
		SignedUpUser user = signup.user();
		StripeCustomer customer = step.run("create-customer", StripeCustomer.class,
				() -> this.billing.createCustomer(user.id(), user.email(), idempotencyKey(run, "create-customer")));
		TrialSubscription subscription = step.run("create-subscription", TrialSubscription.class, () -> this.billing
			.startTrial(customer.id(), this.priceId, TRIAL_DAYS, idempotencyKey(run, "create-subscription")));
		return new TrialStarted(customer.id(), subscription.id(), TRIAL_DAYS);
	}

	private static String idempotencyKey(RunContext run, String step) {
		return "fanout-" + run.runId() + "-" + step;
	}

}
