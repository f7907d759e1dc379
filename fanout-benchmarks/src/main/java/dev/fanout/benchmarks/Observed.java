package dev.fanout.benchmarks;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import dev.fanout.autoconfigure.metrics.MicrometerFanoutMetrics;
import dev.fanout.engine.FanoutEngine;

/**
 * An engine as an application with metrics and tracing has it: its meters in a Prometheus
 * registry, and observations handled by a handler that does nothing, so what is measured
 * is fanout's own cost, not a tracer's.
 */
final class Observed {

	private Observed() {
	}

	static void instrument(FanoutEngine.Builder builder) {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
				return true;
			}

		});
		builder.metrics(new MicrometerFanoutMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "bench"))
			.observationRegistry(observations);
	}

}
