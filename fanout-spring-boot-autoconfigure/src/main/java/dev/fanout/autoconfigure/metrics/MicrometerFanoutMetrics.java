package dev.fanout.autoconfigure.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import dev.fanout.RunStatus;
import dev.fanout.spi.FanoutMetrics;

/**
 * The engine's reports as Micrometer counters and timers, tagged with the application and
 * only values of bounded cardinality: function id, status, outcome, reason, source.
 * Meters are looked up once per tag set and then kept, so a report costs a map read and
 * an increment.
 */
public final class MicrometerFanoutMetrics implements FanoutMetrics {

	private final MeterRegistry registry;

	private final String application;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * Report to a registry.
	 * @param registry the registry
	 * @param application this application's id, a tag of every meter
	 */
	public MicrometerFanoutMetrics(MeterRegistry registry, String application) {
		this.registry = registry;
		this.application = application;
	}

	@Override
	public void eventsSent(String source, int count) {
		counter("fanout.events.sent", "Events stored", "source", source).increment(count);
	}

	@Override
	public void runsCreated(String functionId, int count) {
		counter("fanout.runs.created", "Runs created", "function", functionId).increment(count);
	}

	@Override
	public void runStarted(String functionId, Duration scheduleToStart) {
		counter("fanout.runs.started", "Run attempts started", "function", functionId).increment();
		timer("fanout.run.schedule-to-start", "From a run's due time to the start of its attempt", functionId, null,
				null)
			.record(scheduleToStart);
	}

	@Override
	public void runEnded(String functionId, RunStatus status, @Nullable Duration duration) {
		counter("fanout.runs.ended", "Runs ended", "function", functionId, "status", status.name()).increment();
		if (duration != null) {
			timer("fanout.run.duration", "From a run's first start to its end, sleeps included", functionId, "status",
					status.name())
				.record(duration);
		}
	}

	@Override
	public void runsSkipped(String functionId, String reason, int count) {
		counter("fanout.runs.skipped", "Events that made no run because of flow control", "function", functionId,
				"reason", reason)
			.increment(count);
	}

	@Override
	public void stepEnded(String functionId, String outcome, Duration duration) {
		counter("fanout.steps.ended", "Step attempts ended", "function", functionId, "outcome", outcome).increment();
		timer("fanout.step.duration", "One step attempt", functionId, "outcome", outcome).record(duration);
	}

	private Counter counter(String name, String description, String... tags) {
		return this.counters.computeIfAbsent(key(name, tags),
				(key) -> Counter.builder(name)
					.description(description)
					.tag("application", this.application)
					.tags(tags)
					.register(this.registry));
	}

	private Timer timer(String name, String description, String functionId, @Nullable String tag,
			@Nullable String value) {
		String[] tags = (tag != null && value != null) ? new String[] { "function", functionId, tag, value }
				: new String[] { "function", functionId };
		return this.timers.computeIfAbsent(key(name, tags),
				(key) -> Timer.builder(name)
					.description(description)
					.tag("application", this.application)
					.tags(tags)
					.register(this.registry));
	}

	private static String key(String name, String... tags) {
		return name + '\u0000' + String.join("\u0000", tags);
	}

}
