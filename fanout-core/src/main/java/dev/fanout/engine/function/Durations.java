package dev.fanout.engine.function;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations written in annotations: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 2h}, {@code 7d}, or ISO-8601 such as {@code PT5M}.
 */
public final class Durations {

	private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

	private Durations() {
	}

	static Duration parse(String text, String what) {
		String value = text.trim();
		Matcher matcher = SIMPLE.matcher(value);
		try {
			if (matcher.matches()) {
				long amount = Long.parseLong(matcher.group(1));
				return switch (matcher.group(2)) {
					case "ms" -> Duration.ofMillis(amount);
					case "s" -> Duration.ofSeconds(amount);
					case "m" -> Duration.ofMinutes(amount);
					case "h" -> Duration.ofHours(amount);
					default -> Duration.ofDays(amount);
				};
			}
			return Duration.parse(value);
		}
		catch (DateTimeParseException | ArithmeticException ex) {
			throw new IllegalArgumentException(
					what + " '" + text + "' is not a duration; write it like 30s, 5m, 2h, 7d or PT5M", ex);
		}
	}

}
