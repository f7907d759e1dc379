package dev.fanout.autoconfigure.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.function.FunctionDefinition;

/**
 * The gauges: each of this application's functions' backlog (runs due and not started),
 * and the worker's slots. The backlog is one query for all functions, made again only
 * when a scrape finds it older than {@link #BACKLOG_MAX_AGE}, so scrapes, however
 * frequent, do not load the database.
 */
public final class FanoutGauges implements MeterBinder {

	/** How old a backlog reading may be before a scrape reads it again. */
	static final Duration BACKLOG_MAX_AGE = Duration.ofSeconds(5);

	private final FanoutEngine engine;

	private final Clock clock;

	private Map<String, Long> backlog = Map.of();

	private Instant readAt = Instant.MIN;

	/**
	 * Gauges of an engine.
	 * @param engine the engine
	 * @param clock tells the age of a backlog reading
	 */
	public FanoutGauges(FanoutEngine engine, Clock clock) {
		this.engine = engine;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		String application = this.engine.settings().appId();
		for (FunctionDefinition function : this.engine.registry().all()) {
			Gauge.builder("fanout.runs.backlog", this, (gauges) -> gauges.backlog(function.id()))
				.description("Runs due and not started")
				.tag("application", application)
				.tag("function", function.id())
				.register(registry);
		}
		Gauge.builder("fanout.worker.slots.total", this.engine, (engine) -> engine.workerStatus().slotsTotal())
			.description("Runs this instance executes at once")
			.tag("application", application)
			.register(registry);
		Gauge.builder("fanout.worker.slots.available", this.engine, (engine) -> engine.workerStatus().slotsAvailable())
			.description("Slots free for another run")
			.tag("application", application)
			.register(registry);
	}

	private synchronized double backlog(String functionId) {
		Instant now = this.clock.instant();
		if (this.readAt.plus(BACKLOG_MAX_AGE).isBefore(now)) {
			this.backlog = this.engine.backlog();
			this.readAt = now;
		}
		return this.backlog.getOrDefault(functionId, 0L);
	}

}
