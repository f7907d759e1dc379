/**
 * The {@code start-stripe-trial} function, with the Stripe client and a local stand-in
 * behind {@link dev.fanout.sample.billing.TrialBilling}.
 */
@NullMarked
package dev.fanout.sample.billing;

import org.jspecify.annotations.NullMarked;
