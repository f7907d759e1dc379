package dev.fanout.sample.billing;

import org.jspecify.annotations.Nullable;

/**
 * A subscription in its trial: the output of the {@code create-subscription} step.
 *
 * @param id the subscription id ({@code sub_...})
 * @param customerId the customer it belongs to
 * @param status the status Stripe reported, {@code trialing} for a trial
 * @param trialEnd when the trial ends, in epoch seconds, if reported
 * @since 0.1.0
 */
public record TrialSubscription(String id, String customerId, String status, @Nullable Long trialEnd) {

}
