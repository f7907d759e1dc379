package dev.fanout.spi;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

/**
 * Turns event data and step outputs into JSON text and back. The default uses the
 * application's Jackson {@code JsonMapper}, so its modules apply; define a bean of this
 * type to replace it.
 *
 * @since 0.1.0
 */
public interface PayloadSerializer {

	/**
	 * Write a value as JSON.
	 * @param value the value, possibly {@code null}
	 * @return the JSON text
	 * @throws IllegalArgumentException if the value cannot be written
	 */
	String serialize(@Nullable Object value);

	/**
	 * Read JSON as the given type.
	 * @param json the JSON text
	 * @param type the type to read
	 * @return the value, possibly {@code null}
	 * @throws IllegalArgumentException if the JSON does not fit the type
	 */
	@Nullable Object deserialize(String json, Type type);

	/**
	 * Convert an already parsed value (maps, lists, scalars) to the given type.
	 * @param value the value
	 * @param type the target type
	 * @return the converted value, possibly {@code null}
	 * @throws IllegalArgumentException if the value does not fit the type
	 */
	@Nullable Object convert(@Nullable Object value, Type type);

}
