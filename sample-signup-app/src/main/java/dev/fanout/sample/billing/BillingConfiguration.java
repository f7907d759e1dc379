package dev.fanout.sample.billing;

import com.stripe.StripeClient;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.fanout.sample.SampleProperties;

/**
 * Chooses the {@link TrialBilling}: Stripe when {@code sample.stripe.api-key} is set, the
 * {@link LocalStripeStandIn} otherwise.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
class BillingConfiguration {

	@Bean
	@ConditionalOnProperty("sample.stripe.api-key")
	StripeClient stripeClient(SampleProperties properties) {
		SampleProperties.Stripe stripe = properties.stripe();
		return StripeClient.builder().setApiKey(stripe.apiKey()).setApiBase(stripe.apiBase()).build();
	}

	@Bean
	@ConditionalOnProperty("sample.stripe.api-key")
	StripeTrialBilling stripeTrialBilling(StripeClient stripeClient) {
		return new StripeTrialBilling(stripeClient);
	}

	@Bean
	@Conditional(NoStripeKey.class)
	LocalStripeStandIn localStripeStandIn() {
		return new LocalStripeStandIn();
	}

	static final class NoStripeKey extends NoneNestedConditions {

		NoStripeKey() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("sample.stripe.api-key")
		static final class StripeKeySet {

		}

	}

}
