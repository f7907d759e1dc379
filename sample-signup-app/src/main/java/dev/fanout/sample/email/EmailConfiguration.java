package dev.fanout.sample.email;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;

import dev.fanout.sample.SampleProperties;

/**
 * Chooses the {@link WelcomeMailer}: SMTP when {@code spring.mail.host} is set (Spring
 * Boot then configures a {@link JavaMailSender}), the {@link LocalMailStandIn} otherwise.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
class EmailConfiguration {

	@Bean
	EmailOutage emailOutage(SampleProperties properties) {
		return new EmailOutage(properties.email().outage());
	}

	@Bean
	@ConditionalOnProperty("spring.mail.host")
	SmtpWelcomeMailer smtpWelcomeMailer(JavaMailSender mailSender, SampleProperties properties, EmailOutage outage) {
		return new SmtpWelcomeMailer(mailSender, properties.email().from(), outage);
	}

	@Bean
	@Conditional(NoSmtpHost.class)
	LocalMailStandIn localMailStandIn(EmailOutage outage) {
		return new LocalMailStandIn(outage);
	}

	static final class NoSmtpHost extends NoneNestedConditions {

		NoSmtpHost() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("spring.mail.host")
		static final class SmtpHostSet {

		}

	}

}
