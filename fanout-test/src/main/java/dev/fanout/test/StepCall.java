package dev.fanout.test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fanout.spi.PayloadSerializer;

/**
 * One call of a step's body or of its mock, as recorded by {@link FunctionTester}: a step
 * retried three times has three calls; a step replayed from its stored output has none.
 *
 * @since 0.1.0
 */
public final class StepCall {

	private final String id;

	private final String key;

	private final int attempt;

	private final List<@Nullable Object> arguments;

	private final PayloadSerializer serializer;

	StepCall(String id, String key, int attempt, List<@Nullable Object> arguments, PayloadSerializer serializer) {
		this.id = id;
		this.key = key;
		this.attempt = attempt;
		this.arguments = Collections.unmodifiableList(new ArrayList<>(arguments));
		this.serializer = serializer;
	}

	/**
	 * The step id, as the function passed it.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * The step key: the id, or {@code id:n} for its n-th repeat in a loop.
	 * @return the key
	 */
	public String key() {
		return this.key;
	}

	/**
	 * The zero-based attempt of the step: 0 on its first call, {@code n} on its n-th
	 * retry.
	 * @return the attempt
	 */
	public int attempt() {
		return this.attempt;
	}

	/**
	 * The step's arguments: none for {@code run}; event name, timeout and match for
	 * {@code waitForEvent}; function id, data (the JSON object the invoked function
	 * receives) and timeout for {@code invoke}; the events for {@code sendEvent}.
	 * @return the arguments, possibly containing {@code null}
	 */
	public List<@Nullable Object> arguments() {
		return this.arguments;
	}

	/**
	 * One argument, converted to the given type through JSON when it is not of that type
	 * already, such as the data of an {@code invoke} read as the record it was built
	 * from.
	 * @param <T> the type
	 * @param index the argument's index
	 * @param type the type
	 * @return the argument
	 * @throws IndexOutOfBoundsException if the step has no such argument
	 */
	public <T> @Nullable T argument(int index, Class<T> type) {
		Object value = this.arguments.get(index);
		if (value == null || type.isInstance(value)) {
			return type.cast(value);
		}
		return type.cast(this.serializer.convert(value, type));
	}

	@Override
	public String toString() {
		return "StepCall[key=" + this.key + ", attempt=" + this.attempt + ", arguments=" + this.arguments + "]";
	}

}
