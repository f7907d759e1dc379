package dev.fanout.sample.billing;

/**
 * The billing provider, as the trial function needs it: {@link StripeTrialBilling} when
 * {@code sample.stripe.api-key} is set, otherwise {@link LocalStripeStandIn}.
 * <p>
 * Each call takes an idempotency key that is stable across retries of the same step, so a
 * retry after a lost response does not create a second customer or subscription.
 *
 * @since 0.1.0
 */
public interface TrialBilling {

	/**
	 * Create a customer.
	 * @param userId the application's user id, kept as metadata
	 * @param email the email address
	 * @param idempotencyKey the key that makes a repeated call return the first result
	 * @return the customer
	 * @throws Exception when the provider fails
	 */
	StripeCustomer createCustomer(long userId, String email, String idempotencyKey) throws Exception;

	/**
	 * Subscribe a customer to a price, starting with a free trial.
	 * @param customerId the customer
	 * @param priceId the price
	 * @param trialDays the length of the trial in days
	 * @param idempotencyKey the key that makes a repeated call return the first result
	 * @return the subscription
	 * @throws Exception when the provider fails
	 */
	TrialSubscription startTrial(String customerId, String priceId, int trialDays, String idempotencyKey)
			throws Exception;

}
