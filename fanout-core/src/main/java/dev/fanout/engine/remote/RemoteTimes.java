package dev.fanout.engine.remote;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times the SDKs send for sleeps, wait timeouts and invoke timeouts: a time string
 * such as {@code 1w2d3h4m5s}, {@code 1.5h} or {@code 500ms} (JavaScript and Go), or a
 * date (JavaScript's {@code sleepUntil}, Python's sleeps), at most 366 days ahead as
 * Inngest allows.
 *
 * @since 0.1.0
 */
public final class RemoteTimes {

	/** The longest sleep or wait. */
	public static final Duration MAX = Duration.ofDays(366);

	private static final Pattern WHOLE = Pattern.compile("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h|d|w))+");

	private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d|w)");

	private RemoteTimes() {
	}

	/**
	 * When something given a time string or a date ends.
	 * @param text the time string or the date
	 * @param now the current time
	 * @param what what the time is for, for messages ("sleep 'nap'")
	 * @return the time it ends, never more than {@link #MAX} after now
	 * @throws IllegalArgumentException if it is neither, or too far ahead
	 */
	public static Instant until(String text, Instant now, String what) {
		String value = text.trim();
		Instant until = WHOLE.matcher(value).matches() ? now.plus(duration(value, what)) : date(value, what);
		if (until.isAfter(now.plus(MAX))) {
			throw new IllegalArgumentException(what + " ends at " + until + ", more than 366 days ahead, the limit");
		}
		return until;
	}

	/**
	 * Read a time string.
	 * @param text a time string such as {@code 1w2d3h4m5s} or {@code 1.5h}
	 * @param what what the time is for, for messages
	 * @return the duration
	 * @throws IllegalArgumentException if it is not one, or longer than {@link #MAX}
	 */
	public static Duration duration(String text, String what) {
		String value = text.trim();
		if (!WHOLE.matcher(value).matches()) {
			throw new IllegalArgumentException(
					what + " has '" + text + "', which is not a time string such as " + "1w2d3h4m5s, 1.5h or 500ms");
		}
		BigDecimal nanos = BigDecimal.ZERO;
		Matcher part = PART.matcher(value);
		while (part.find()) {
			nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(nanosPer(part.group(2)))));
		}
		if (nanos.compareTo(BigDecimal.valueOf(MAX.toNanos())) > 0) {
			throw new IllegalArgumentException(what + " is " + text + ", longer than 366 days, the limit");
		}
		return Duration.ofNanos(nanos.longValue());
	}

	private static long nanosPer(String unit) {
		return switch (unit) {
			case "ns" -> 1L;
			case "us", "µs" -> 1_000L;
			case "ms" -> 1_000_000L;
			case "s" -> Duration.ofSeconds(1).toNanos();
			case "m" -> Duration.ofMinutes(1).toNanos();
			case "h" -> Duration.ofHours(1).toNanos();
			case "d" -> Duration.ofDays(1).toNanos();
			default -> Duration.ofDays(7).toNanos();
		};
	}

	private static Instant date(String value, String what) {
		try {
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeParseException notOffset) {
			try {
				return (value.length() > 10) ? LocalDateTime.parse(value).toInstant(ZoneOffset.UTC)
						: LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
			}
			catch (DateTimeParseException ex) {
				throw new IllegalArgumentException(what + " has '" + value + "', which is neither a time string "
						+ "such as 1w2d3h4m5s nor an ISO date such as 2026-12-07T10:00:00Z", ex);
			}
		}
	}

}
