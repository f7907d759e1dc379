package dev.fanout.sample.billing;

import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Subscription;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.SubscriptionCreateParams;

import dev.fanout.NonRetriableException;

/**
 * {@link TrialBilling} on Stripe, through the official {@link StripeClient}.
 * <p>
 * Requests Stripe refuses for good (bad parameters, a wrong key or missing permissions)
 * fail the step at once with {@link NonRetriableException}; other failures (network, 5xx,
 * rate limits) are retried by fanout.
 *
 * @since 0.1.0
 */
public class StripeTrialBilling implements TrialBilling {

	private final StripeClient stripe;

	/**
	 * Use a client.
	 * @param stripe the Stripe client
	 */
	public StripeTrialBilling(StripeClient stripe) {
		this.stripe = stripe;
	}

	@Override
	public StripeCustomer createCustomer(long userId, String email, String idempotencyKey) throws StripeException {
		CustomerCreateParams params = CustomerCreateParams.builder()
			.setEmail(email)
			.putMetadata("user_id", Long.toString(userId))
			.build();
		Customer customer = call(() -> this.stripe.v1().customers().create(params, options(idempotencyKey)));
		return new StripeCustomer(customer.getId(), customer.getEmail());
	}

	@Override
	public TrialSubscription startTrial(String customerId, String priceId, int trialDays, String idempotencyKey)
			throws StripeException {
		SubscriptionCreateParams params = SubscriptionCreateParams.builder()
			.setCustomer(customerId)
			.addItem(SubscriptionCreateParams.Item.builder().setPrice(priceId).build())
			.setTrialPeriodDays((long) trialDays)
			.build();
		Subscription subscription = call(
				() -> this.stripe.v1().subscriptions().create(params, options(idempotencyKey)));
		return new TrialSubscription(subscription.getId(), subscription.getCustomer(), subscription.getStatus(),
				subscription.getTrialEnd());
	}

	private static RequestOptions options(String idempotencyKey) {
		return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
	}

	private static <T> T call(StripeCall<T> call) throws StripeException {
		try {
			return call.execute();
		}
		catch (InvalidRequestException | AuthenticationException ex) {
			throw new NonRetriableException(
					"Stripe refused the request (HTTP " + ex.getStatusCode() + "): " + ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	private interface StripeCall<T> {

		T execute() throws StripeException;

	}

}
