package dev.fanout.engine.event;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.fanout.store.NewWait;

/**
 * Matches that a store can look up by key: {@code async.<path> == event.<path>} (either
 * way round), the form of most {@code @CancelOn} and {@code waitForEvent} matches. The
 * run's side is read once, when the matcher is made, and stored as a key; an arriving
 * event's side is read per event, and the store finds the matchers with that key, rather
 * than the send reading every matcher of the name. The expression still decides: a key
 * only finds candidates. Keys are equal exactly when SpEL's {@code ==} says the values
 * are: numbers by value, strings, booleans and {@code null} as they are.
 *
 * @since 0.1.0
 */
public final class MatchKeys {

	/** The longest key stored; a longer value leaves its matcher to the expression. */
	public static final int MAX_KEY_LENGTH = 512;

	private static final String PATH = "((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)";

	private static final Pattern EQUALITY = Pattern
		.compile("\\s*(async|event)" + PATH + "\\s*==\\s*(async|event)" + PATH + "\\s*");

	private MatchKeys() {
	}

	/**
	 * The two sides of a match that can be looked up by key.
	 * @param match the match expression's text, or {@code null}
	 * @return the paths, or empty if the match has another form
	 */
	public static Optional<Equality> equality(@Nullable String match) {
		if (match == null) {
			return Optional.empty();
		}
		Matcher matcher = EQUALITY.matcher(match);
		if (!matcher.matches() || matcher.group(1).equals(matcher.group(3))) {
			return Optional.empty();
		}
		boolean asyncFirst = matcher.group(1).equals("async");
		String async = matcher.group(asyncFirst ? 2 : 4).substring(1);
		String event = matcher.group(asyncFirst ? 4 : 2).substring(1);
		return Optional.of(new Equality(async, event));
	}

	/**
	 * The key of the value at a path of an event, as expressions see it.
	 * @param event the event as a map ({@link EventExpressions#asMap})
	 * @param path the path, such as {@code data.user.id}
	 * @return the key, or {@code null} if the value cannot be a key (an object, a list,
	 * too long, or a path through something without properties)
	 */
	public static @Nullable String keyAt(Map<String, Object> event, String path) {
		Object value = event;
		for (String name : path.split("\\.")) {
			if (!(value instanceof Map<?, ?> map)) {
				// SpEL fails reading a property of null or of a plain value: never true.
				return null;
			}
			value = map.get(name);
		}
		String key = key(value);
		return (key != null && key.length() <= MAX_KEY_LENGTH) ? key : null;
	}

	private static @Nullable String key(@Nullable Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof String text) {
			return "s:" + text;
		}
		if (value instanceof Boolean bool) {
			return "b:" + bool;
		}
		if (value instanceof Number number) {
			try {
				return "n:" + new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
			}
			catch (NumberFormatException ex) {
				// NaN and the infinities have no key.
				return null;
			}
		}
		return null;
	}

	/**
	 * A matcher found by key, when its match has that form and the run's trigger gives a
	 * value that can be a key; else the matcher as it is, left to its expression.
	 * @param matcher the matcher
	 * @param trigger the run's trigger as a map ({@link EventExpressions#asMap})
	 * @return the matcher, keyed where it can be
	 */
	public static NewWait keyed(NewWait matcher, Map<String, Object> trigger) {
		Optional<Equality> equality = equality(matcher.match());
		if (equality.isEmpty()) {
			return matcher;
		}
		String key = keyAt(trigger, equality.get().eventPath());
		return (key != null) ? matcher.keyed(equality.get().asyncPath(), key) : matcher;
	}

	/**
	 * The two paths of a match by key.
	 *
	 * @param asyncPath the path on the arriving event ({@code async})
	 * @param eventPath the path on the run's trigger ({@code event})
	 */
	public record Equality(String asyncPath, String eventPath) {
	}

}
