package dev.fanout.sample.billing;

/**
 * A Stripe customer: the output of the {@code create-customer} step.
 *
 * @param id the customer id ({@code cus_...})
 * @param email the customer's email address
 * @since 0.1.0
 */
public record StripeCustomer(String id, String email) {

}
