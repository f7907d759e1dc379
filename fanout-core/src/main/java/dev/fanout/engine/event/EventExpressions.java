package dev.fanout.engine.event;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypedValue;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

import dev.fanout.Event;

/**
 * SpEL expressions over events ({@code event.data.user.id}), evaluated read-only: no type
 * references, constructors or bean lookups, so an expression cannot reach beyond the
 * event.
 */
public final class EventExpressions {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private static final EvaluationContext CONTEXT = SimpleEvaluationContext.forPropertyAccessors(new MapKeys())
		.withInstanceMethods()
		.build();

	private EventExpressions() {
	}

	/**
	 * Parse an expression.
	 * @param source the expression text
	 * @return the expression
	 * @throws IllegalArgumentException if it does not parse, with the parser's reason
	 */
	public static Expression parse(String source) {
		try {
			return PARSER.parseExpression(source);
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("expression '" + source + "' does not parse: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Whether an expression is true for an event. An expression that cannot be evaluated
	 * (for example, a missing nested object) is false.
	 * @param expression the expression
	 * @param event the event, bound as {@code event}
	 * @return whether the expression is true
	 */
	public static boolean isTrue(Expression expression, Event event) {
		return isTrue(expression, Map.of("event", asMap(event)));
	}

	/**
	 * Whether an expression is true with the given variables (such as {@code event} and
	 * {@code async}). An expression that cannot be evaluated is false.
	 * @param expression the expression
	 * @param variables the variables, each a JSON object
	 * @return whether the expression is true
	 */
	public static boolean isTrue(Expression expression, Map<String, Object> variables) {
		try {
			return Boolean.TRUE.equals(expression.getValue(CONTEXT, variables, Boolean.class));
		}
		catch (EvaluationException ex) {
			return false;
		}
	}

	/**
	 * The value of an expression with the given variables.
	 * @param expression the expression
	 * @param variables the variables, each a JSON object
	 * @return the value, possibly {@code null}
	 * @throws EvaluationException if it cannot be evaluated (a property of a missing
	 * object, say)
	 */
	public static @Nullable Object valueOf(Expression expression, Map<String, Object> variables) {
		return expression.getValue(CONTEXT, variables);
	}

	/**
	 * An event as the JSON object expressions and system events see.
	 * @param event the event
	 * @return a map with id, name, data, user, ts (epoch milliseconds) and v
	 */
	public static Map<String, Object> asMap(Event event) {
		Map<String, Object> map = new java.util.LinkedHashMap<>();
		map.put("id", event.id());
		map.put("name", event.name());
		map.put("data", event.data());
		map.put("user", event.user());
		map.put("ts", event.ts().toEpochMilli());
		if (event.v() != null) {
			map.put("v", event.v());
		}
		return map;
	}

	/**
	 * Reads map keys as properties; a missing key reads as {@code null}.
	 */
	private static final class MapKeys implements PropertyAccessor {

		@Override
		public Class<?>[] getSpecificTargetClasses() {
			return new Class<?>[] { Map.class };
		}

		@Override
		public boolean canRead(EvaluationContext context, @Nullable Object target, String name) {
			return target instanceof Map;
		}

		@Override
		public TypedValue read(EvaluationContext context, @Nullable Object target, String name) {
			return new TypedValue(((Map<?, ?>) target).get(name));
		}

		@Override
		public boolean canWrite(EvaluationContext context, @Nullable Object target, String name) {
			return false;
		}

		@Override
		public void write(EvaluationContext context, @Nullable Object target, String name, @Nullable Object value) {
			throw new UnsupportedOperationException("event expressions are read-only");
		}

	}

}
