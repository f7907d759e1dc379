package dev.fanout.engine.step;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

import dev.fanout.NonRetriableException;
import dev.fanout.engine.settings.Limits;
import dev.fanout.spi.PayloadSerializer;

/**
 * How step outputs are stored and restored: as JSON with a type hint, checked against the
 * size limit, and read back at once, so what a function sees never depends on whether a
 * step ran now or was replayed.
 *
 * @param serializer the JSON serializer
 * @param limits the limits
 * @since 0.1.0
 */
public record StepOutputs(PayloadSerializer serializer, Limits limits) {

	/**
	 * Store a step's output: serialize it, check its size, and read it back.
	 * @param key the step key, for messages
	 * @param type the type the function asked for, {@code Void.class} for none, or
	 * {@code null} to restore the value's own type
	 * @param value the step's return value
	 * @return the JSON, its type hint and the value read back
	 * @throws NonRetriableException if the value cannot make the round trip or is too
	 * large
	 */
	public Encoded encode(String key, @Nullable Type type, @Nullable Object value) {
		try {
			String json = this.serializer.serialize(value);
			long size = json.getBytes(StandardCharsets.UTF_8).length;
			if (size > this.limits.maxStepOutputSize()) {
				throw new IllegalArgumentException("it is " + size + " bytes, over the limit of "
						+ this.limits.maxStepOutputSize() + " bytes (fanout.limits.max-step-output-size)");
			}
			Object restored = (value == null || type == Void.class) ? null
					: this.serializer.deserialize(json, (type != null) ? type : storedType(value));
			return new Encoded(json, (value != null) ? storedType(value).getName() : null, restored);
		}
		catch (IllegalArgumentException ex) {
			throw new NonRetriableException(
					"Output of step '" + key + "' cannot be stored and restored as JSON: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Store a run's output, what its function returned: serialize it and check its size.
	 * @param result the return value
	 * @return the JSON
	 * @throws NonRetriableException if the value cannot be stored as JSON or is too
	 * large: the same value would be returned again on every retry
	 */
	public String encodeRunOutput(@Nullable Object result) {
		String json;
		try {
			json = this.serializer.serialize(result);
		}
		catch (IllegalArgumentException ex) {
			throw new NonRetriableException("The function's return value cannot be stored as JSON", ex);
		}
		long size = json.getBytes(StandardCharsets.UTF_8).length;
		if (size > this.limits.maxRunOutputSize()) {
			throw new NonRetriableException("The function's return value is " + size + " bytes as JSON, over the limit "
					+ "of " + this.limits.maxRunOutputSize() + " bytes (fanout.limits.max-run-output-size)");
		}
		return json;
	}

	/**
	 * Restore a stored output.
	 * @param key the step key, for messages
	 * @param output the stored JSON, or {@code null}
	 * @param outputType the stored type hint, or {@code null}
	 * @param type the type the function asked for, {@code Void.class} for none, or
	 * {@code null} for the stored type
	 * @param loader loads the stored type
	 * @return the value
	 * @throws NonRetriableException if the stored type cannot be loaded
	 */
	public @Nullable Object restore(String key, @Nullable String output, @Nullable String outputType,
			@Nullable Type type, ClassLoader loader) {
		if (output == null || outputType == null || type == Void.class) {
			return null;
		}
		Type target = type;
		if (target == null) {
			try {
				target = ClassUtils.forName(outputType, loader);
			}
			catch (ClassNotFoundException | LinkageError ex) {
				throw new NonRetriableException("Stored output of step '" + key + "' has type " + outputType
						+ ", which cannot be loaded; pass the type with run(id, type, fn)", ex);
			}
		}
		return this.serializer.deserialize(output, target);
	}

	/**
	 * The type a step output is restored as: its class, but the collection interface for
	 * collections, since {@code List.of(..)} and friends have no public class to rebuild.
	 */
	private static Class<?> storedType(Object value) {
		for (Class<?> type : new Class<?>[] { List.class, Set.class, Map.class, Collection.class }) {
			if (type.isInstance(value)) {
				return type;
			}
		}
		return value.getClass();
	}

	/**
	 * A step output ready to store.
	 *
	 * @param json the JSON
	 * @param type the type hint, or {@code null} for a null output
	 * @param restored the value read back from the JSON
	 */
	public record Encoded(String json, @Nullable String type, @Nullable Object restored) {
	}

}
