package dev.fanout.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fanout.FanoutAdmin;
import dev.fanout.autoconfigure.FanoutAutoConfiguration;
import dev.fanout.engine.FanoutEngine;

/**
 * The Actuator endpoint {@code fanout} and the health indicator {@code fanout}, each when
 * its part of Actuator is on the classpath; without Actuator nothing changes.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = FanoutAutoConfiguration.class)
@ConditionalOnBean({ FanoutEngine.class, FanoutAdmin.class })
public final class FanoutActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		FanoutEndpoint fanoutEndpoint(FanoutEngine engine, FanoutAdmin admin) {
			return new FanoutEndpoint(engine, admin);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "fanoutHealthIndicator")
		@ConditionalOnEnabledHealthIndicator("fanout")
		FanoutHealthIndicator fanoutHealthIndicator(FanoutEngine engine) {
			return new FanoutHealthIndicator(engine);
		}

	}

}
