package dev.fanout.sample;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sample's own settings, under {@code sample}.
 *
 * @param email the welcome email settings
 * @param stripe the Stripe settings
 * @since 0.1.0
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue Email email, @DefaultValue Stripe stripe) {

	/**
	 * Welcome email settings. The SMTP server itself is Spring Boot's
	 * {@code spring.mail.*}.
	 *
	 * @param from the sender address of the welcome email
	 * @param outage whether the email provider starts in a simulated outage, in which
	 * every send fails; switch it at runtime with {@code POST /admin/email-outage}
	 */
	public record Email(@DefaultValue("welcome@signup.local") String from, @DefaultValue("false") boolean outage) {

	}

	/**
	 * Stripe settings.
	 *
	 * @param apiKey the secret API key; when unset, a local stand-in replaces Stripe
	 * @param apiBase the base URL of the Stripe API (a stub or proxy in tests)
	 * @param priceId the price the trial subscription is for
	 */
	public record Stripe(@Nullable String apiKey, @DefaultValue("https://api.stripe.com") String apiBase,
			@DefaultValue("price_sample_monthly") String priceId) {

	}

}
