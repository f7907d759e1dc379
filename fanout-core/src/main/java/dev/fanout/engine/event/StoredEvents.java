package dev.fanout.engine.event;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;

import dev.fanout.Event;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.StoredEvent;

/**
 * Rebuilds {@link Event}s from what the store holds, and writes events as step outputs.
 *
 * @since 0.1.0
 */
public final class StoredEvents {

	private static final Type MAP = new TypeReference<Map<String, Object>>() {
	}.getType();

	/** The output type of a step that received an event: marks the steps of waits. */
	public static final String OUTPUT_TYPE = Event.class.getName();

	private StoredEvents() {
	}

	public static Event trigger(ClaimedRun run, PayloadSerializer serializer) {
		return event(run.event(), serializer);
	}

	public static Event event(StoredEvent stored, PayloadSerializer serializer) {
		Event.Builder builder = Event.builder(stored.name())
			.id(stored.id())
			.data(serializer.deserialize(stored.data(), MAP))
			.ts(stored.ts())
			.v(stored.v());
		String user = stored.user();
		if (user != null) {
			builder.user(serializer.deserialize(user, MAP));
		}
		return builder.build();
	}

	/**
	 * What is known of a run's trigger whose payload cannot be read: its id, name and
	 * time, without data, so that the run's failure can still be recorded and told.
	 * @param run the run
	 * @return the event, without data
	 */
	public static Event unreadable(ClaimedRun run) {
		StoredEvent stored = run.event();
		return Event.builder(stored.name()).id(stored.id()).ts(stored.ts()).v(stored.v()).build();
	}

	/**
	 * An event as a step output: the JSON object expressions see.
	 * @param event the event
	 * @param serializer the serializer
	 * @return the JSON
	 */
	public static String toJson(Event event, PayloadSerializer serializer) {
		return serializer.serialize(EventExpressions.asMap(event));
	}

	/**
	 * An event from a step output written by {@link #toJson}.
	 * @param json the JSON, or {@code null}
	 * @param serializer the serializer
	 * @return the event, or {@code null} for a {@code null} or JSON null output
	 */
	@SuppressWarnings("unchecked")
	public static @Nullable Event fromJson(@Nullable String json, PayloadSerializer serializer) {
		Map<String, Object> map = (json != null) ? (Map<String, Object>) serializer.deserialize(json, MAP) : null;
		if (map == null) {
			return null;
		}
		return Event.builder(String.valueOf(map.get("name")))
			.id(String.valueOf(map.get("id")))
			.data(map.get("data"))
			.user(map.get("user"))
			.ts(Instant.ofEpochMilli(((Number) map.get("ts")).longValue()))
			.v((map.get("v") != null) ? String.valueOf(map.get("v")) : null)
			.build();
	}

}
