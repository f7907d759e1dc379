package dev.fanout.benchmarks.jmh;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.core.type.TypeReference;

import dev.fanout.Event;
import dev.fanout.engine.event.EventPayloads;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;

/**
 * What an event costs in process around the database: checking and serializing it on send
 * ({@link EventPayloads#forSend}), and rebuilding it from the stored JSON when a run is
 * claimed (as {@code StoredEvents.trigger} does). A signup event with 210 bytes of data.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EventSerializationBenchmarks {

	private static final Type MAP = new TypeReference<Map<String, Object>>() {
	}.getType();

	private JacksonPayloadSerializer serializer;

	private EventPayloads payloads;

	private Event event;

	private String storedData;

	@Setup
	public void setUp() {
		this.serializer = new JacksonPayloadSerializer();
		this.payloads = new EventPayloads(EngineSettings.DEFAULTS.limits(), this.serializer, Clock.systemUTC());
		this.event = Event.of("app/user.signup",
				Map.of("user", Map.of("id", 123456, "email", "ada.lovelace@example.com", "name", "Ada Lovelace"),
						"plan", "trial", "referrer", "https://example.com/pricing?utm_source=newsletter", "locale",
						"en-GB", "signedUpAt", "2026-11-25T10:15:30Z"));
		this.storedData = this.serializer.serialize(this.event.data());
	}

	@Benchmark
	public List<EventPayloads.Payload> serializeOnSend() {
		return this.payloads.forSend(List.of(this.event));
	}

	@Benchmark
	public Event readOnClaim() {
		return Event.builder(this.event.name())
			.id(this.event.id())
			.data(this.serializer.deserialize(this.storedData, MAP))
			.ts(Instant.EPOCH)
			.build();
	}

}
