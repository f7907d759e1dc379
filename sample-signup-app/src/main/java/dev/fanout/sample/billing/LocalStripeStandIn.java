package dev.fanout.sample.billing;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Stripe, used when {@code sample.stripe.api-key} is not set: it
 * calls nothing and answers with made-up ids ({@code cus_local_...},
 * {@code sub_local_...}). Like Stripe, it answers a repeated idempotency key with the
 * first result.
 *
 * @since 0.1.0
 */
public class LocalStripeStandIn implements TrialBilling {

	private static final Logger logger = LoggerFactory.getLogger(LocalStripeStandIn.class);

	private final Map<String, Object> results = new ConcurrentHashMap<>();

	public LocalStripeStandIn() {
		logger.info("Stripe stand-in in use: sample.stripe.api-key is not set, so no call reaches Stripe");
	}

	@Override
	public StripeCustomer createCustomer(long userId, String email, String idempotencyKey) {
		return (StripeCustomer) this.results.computeIfAbsent(idempotencyKey, (key) -> {
			StripeCustomer customer = new StripeCustomer("cus_local_" + shortId(), email);
			logger.info("Stripe stand-in (nothing sent to Stripe): created customer {} for user {}", customer.id(),
					userId);
			return customer;
		});
	}

	@Override
	public TrialSubscription startTrial(String customerId, String priceId, int trialDays, String idempotencyKey) {
		return (TrialSubscription) this.results.computeIfAbsent(idempotencyKey, (key) -> {
			long trialEnd = Instant.now().plus(Duration.ofDays(trialDays)).getEpochSecond();
			TrialSubscription subscription = new TrialSubscription("sub_local_" + shortId(), customerId, "trialing",
					trialEnd);
			logger.info("Stripe stand-in (nothing sent to Stripe): started {}-day trial {} of {} for {}", trialDays,
					subscription.id(), priceId, customerId);
			return subscription;
		});
	}

	private static String shortId() {
		return UUID.randomUUID().toString().replace("-", "").substring(0, 14);
	}

}
