package dev.fanout.engine.observe;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A trace context as an event stores it: the propagation headers of its send, as a JSON
 * object of strings. Written by the engine alone, so a plain mapper serves, whatever the
 * application's payload serializer.
 */
final class TraceContexts {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
	};

	private TraceContexts() {
	}

	/**
	 * The headers as stored.
	 * @param headers the propagation headers
	 * @return their JSON, or {@code null} when there are none
	 */
	static @Nullable String write(Map<String, String> headers) {
		return headers.isEmpty() ? null : MAPPER.writeValueAsString(headers);
	}

	/**
	 * The headers stored with an event.
	 * @param json their JSON, or {@code null}
	 * @return the headers, empty when there are none or they cannot be read: a lost trace
	 * must never fail a run
	 */
	static Map<String, String> read(@Nullable String json) {
		if (json == null) {
			return new HashMap<>();
		}
		try {
			return MAPPER.readValue(json, HEADERS);
		}
		catch (JacksonException ex) {
			return new HashMap<>();
		}
	}

}
