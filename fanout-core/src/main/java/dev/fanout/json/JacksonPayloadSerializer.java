package dev.fanout.json;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.spi.PayloadSerializer;

/**
 * The default {@link PayloadSerializer}, on a Jackson 3 {@link JsonMapper}.
 *
 * @since 0.1.0
 */
public final class JacksonPayloadSerializer implements PayloadSerializer {

	private final JsonMapper mapper;

	/**
	 * Use a plain mapper.
	 */
	public JacksonPayloadSerializer() {
		this(JsonMapper.builder().build());
	}

	/**
	 * Use the given mapper, typically the application's.
	 * @param mapper the mapper
	 */
	public JacksonPayloadSerializer(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public String serialize(@Nullable Object value) {
		try {
			return this.mapper.writeValueAsString(value);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Cannot write " + describe(value) + " as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public @Nullable Object deserialize(String json, Type type) {
		try {
			return this.mapper.readValue(json, this.mapper.constructType(type));
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Cannot read JSON as " + type.getTypeName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public @Nullable Object convert(@Nullable Object value, Type type) {
		try {
			return this.mapper.convertValue(value, this.mapper.constructType(type));
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Cannot convert " + describe(value) + " to " + type.getTypeName() + ": " + ex.getOriginalMessage(),
					ex);
		}
	}

	private static String describe(@Nullable Object value) {
		return (value != null) ? "a " + value.getClass().getName() : "null";
	}

}
