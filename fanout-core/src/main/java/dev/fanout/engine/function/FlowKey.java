package dev.fanout.engine.function;

import java.math.BigDecimal;
import java.util.Map;

import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;

import dev.fanout.engine.event.EventExpressions;

/**
 * A SpEL expression over {@code event} whose value keys a flow control, such as
 * {@code event.data.customerId}.
 *
 * @param source the expression's text
 * @param expression the parsed expression
 * @since 0.1.0
 */
public record FlowKey(String source, Expression expression) {

	/**
	 * The key of an event whose value cannot be read (a property of a missing object):
	 * such events share one key.
	 */
	public static final String UNREADABLE = "";

	/**
	 * Parse a key expression.
	 * @param source the text
	 * @param what what it is, for the message, such as {@code @Concurrency key}
	 * @return the key
	 * @throws IllegalArgumentException if it does not parse
	 */
	public static FlowKey parse(String source, String what) {
		try {
			return new FlowKey(source, EventExpressions.parse(source));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(what + " " + ex.getMessage(), ex);
		}
	}

	/**
	 * The key of an event: the expression's value as text, numbers by value (7 and 7.0
	 * are one key), {@code null} as {@code "null"}.
	 * @param event the event as a map ({@link EventExpressions#asMap})
	 * @return the key, or {@link #UNREADABLE}
	 */
	public String keyOf(Map<String, Object> event) {
		Object value;
		try {
			value = EventExpressions.valueOf(this.expression, Map.of("event", event));
		}
		catch (EvaluationException ex) {
			return UNREADABLE;
		}
		if (value instanceof Number number) {
			try {
				return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
			}
			catch (NumberFormatException ex) {
				return number.toString();
			}
		}
		return String.valueOf(value);
	}

	/**
	 * The expression's value for an event, as a whole number.
	 * @param event the event as a map ({@link EventExpressions#asMap})
	 * @param fallback the number when the value is not one or cannot be read
	 * @return the number
	 */
	public long numberOf(Map<String, Object> event, long fallback) {
		try {
			return (EventExpressions.valueOf(this.expression, Map.of("event", event)) instanceof Number number)
					? number.longValue() : fallback;
		}
		catch (EvaluationException ex) {
			return fallback;
		}
	}

}
