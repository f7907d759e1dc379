package dev.fanout.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns event data given as a map, a record or a POJO into a plain JSON object, so events
 * are the same whether they were built in this process or read back from storage.
 */
public final class JsonMaps {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
	};

	private JsonMaps() {
	}

	/**
	 * Convert a value to a JSON object.
	 * @param value a map, record or POJO; {@code null} gives an empty map
	 * @param what what the value is, for the error message
	 * @return a mutable map
	 * @throws IllegalArgumentException if the value is not a JSON object
	 */
	public static Map<String, Object> toMap(@Nullable Object value, String what) {
		if (value == null) {
			return new LinkedHashMap<>();
		}
		if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean
				|| value instanceof Iterable<?> || value.getClass().isArray()) {
			throw new IllegalArgumentException("Event " + what + " must be a JSON object (a Map, record or POJO), not "
					+ value.getClass().getName());
		}
		try {
			// Written and read back rather than converted: a conversion keeps Java types
			// (a long stays
			// a Long, a byte[] stays an array) that the same event read from storage
			// would not have.
			return MAPPER.readValue(MAPPER.writeValueAsBytes(value), MAP);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Event " + what + " of type " + value.getClass().getName()
					+ " cannot be converted to a JSON object: " + ex.getMessage(), ex);
		}
	}

}
