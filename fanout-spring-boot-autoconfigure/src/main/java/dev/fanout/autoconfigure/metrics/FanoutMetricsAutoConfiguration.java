package dev.fanout.autoconfigure.metrics;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.fanout.autoconfigure.FanoutAutoConfiguration;
import dev.fanout.autoconfigure.FanoutProperties;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.spi.FanoutMetrics;

/**
 * fanout's meters, when Micrometer and a {@code MeterRegistry} are there: counters and
 * timers through {@link MicrometerFanoutMetrics}, gauges through {@link FanoutGauges}.
 * Without them nothing changes.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = FanoutAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, FanoutEngine.class })
public final class FanoutMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FanoutMetrics fanoutMetrics(MeterRegistry registry, FanoutProperties properties, Environment environment) {
		return new MicrometerFanoutMetrics(registry, FanoutAutoConfiguration.appId(properties, environment));
	}

	@Bean
	FanoutGauges fanoutGauges(FanoutEngine engine) {
		return new FanoutGauges(engine, Clock.systemUTC());
	}

}
