package dev.fanout.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The fanout signup sample: {@code POST /signup} stores a user and sends
 * {@code app/user.signup} in one transaction, and two durable functions react to it in
 * parallel, {@code send-welcome-email} and {@code start-stripe-trial}.
 * <p>
 * Runs with no set-up on an H2 file database; with no SMTP host and no Stripe key it uses
 * local stand-ins for both providers. See {@code application.yml} for every setting.
 *
 * @since 0.1.0
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SignupApplication {

	public static void main(String[] args) {
		SpringApplication.run(SignupApplication.class, args);
	}

}
