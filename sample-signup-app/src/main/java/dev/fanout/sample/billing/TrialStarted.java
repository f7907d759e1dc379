package dev.fanout.sample.billing;

/**
 * The output of a {@code start-stripe-trial} run.
 *
 * @param customerId the Stripe customer
 * @param subscriptionId the trial subscription
 * @param trialDays the length of the trial
 * @since 0.1.0
 */
public record TrialStarted(String customerId, String subscriptionId, int trialDays) {

}
