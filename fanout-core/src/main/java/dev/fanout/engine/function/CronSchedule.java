package dev.fanout.engine.function;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

import org.springframework.scheduling.support.CronExpression;

/**
 * When a cron function runs: a Spring cron expression (six fields, seconds first, or a
 * macro such as {@code @daily}) read in a time zone, UTC unless the text starts with
 * {@code TZ=Zone }, as in {@code TZ=Europe/Paris 0 0 9 * * MON-FRI}.
 *
 * @since 0.1.0
 */
public final class CronSchedule {

	private static final String ZONE_PREFIX = "TZ=";

	/** Ticks fall on whole seconds, so a search needs no finer step. */
	private static final Duration PRECISION = Duration.ofSeconds(1);

	private final String text;

	private final CronExpression expression;

	private final ZoneId zone;

	private CronSchedule(String text, CronExpression expression, ZoneId zone) {
		this.text = text;
		this.expression = expression;
		this.zone = zone;
	}

	/**
	 * Read a cron attribute.
	 * @param text the expression, optionally preceded by {@code TZ=Zone }
	 * @return the schedule
	 * @throws IllegalArgumentException if the zone is unknown or the expression does not
	 * parse, saying which
	 */
	public static CronSchedule parse(String text) {
		String trimmed = text.trim();
		ZoneId zone = ZoneOffset.UTC;
		String expression = trimmed;
		if (trimmed.startsWith(ZONE_PREFIX)) {
			String[] parts = trimmed.split("\\s+", 2);
			if (parts.length < 2) {
				throw new IllegalArgumentException("cron '" + text + "' has a time zone but no expression");
			}
			zone = zone(parts[0].substring(ZONE_PREFIX.length()), text);
			expression = parts[1];
		}
		try {
			return new CronSchedule(trimmed, CronExpression.parse(expression), zone);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("cron '" + text + "' does not parse: " + ex.getMessage(), ex);
		}
	}

	private static ZoneId zone(String id, String text) {
		try {
			return ZoneId.of(id);
		}
		catch (DateTimeException ex) {
			throw new IllegalArgumentException("cron '" + text + "' names an unknown time zone '" + id + "'", ex);
		}
	}

	/**
	 * The first tick strictly after a time.
	 * @param after the time
	 * @return the tick, or empty if the expression never matches again
	 */
	public Optional<Instant> next(Instant after) {
		ZonedDateTime next = this.expression.next(after.atZone(this.zone));
		return Optional.ofNullable(next).map(ZonedDateTime::toInstant);
	}

	/**
	 * The latest tick strictly after one time and at or before another; the ticks before
	 * it in that range are passed over. Found by bisection, so a long range costs a few
	 * dozen steps rather than one per tick.
	 * @param after the start of the range, exclusive
	 * @param until the end of the range, inclusive
	 * @return the tick, or empty if there is none in the range
	 */
	public Optional<Instant> latest(Instant after, Instant until) {
		Optional<Instant> first = next(after);
		if (first.isEmpty() || first.get().isAfter(until)) {
			return Optional.empty();
		}
		Optional<Instant> second = next(first.get());
		if (second.isEmpty() || second.get().isAfter(until)) {
			return first;
		}
		// A tick follows low within the range, none follows high: narrow down until the
		// gap holds a single whole second, the latest tick.
		Instant low = first.get();
		Instant high = until;
		while (Duration.between(low, high).compareTo(PRECISION) > 0) {
			Instant middle = low.plus(Duration.between(low, high).dividedBy(2));
			Optional<Instant> tick = next(middle);
			if (tick.isPresent() && !tick.get().isAfter(until)) {
				low = middle;
			}
			else {
				high = middle;
			}
		}
		return next(low);
	}

	/**
	 * The zone the expression is read in.
	 * @return the zone, UTC by default
	 */
	public ZoneId zone() {
		return this.zone;
	}

	@Override
	public String toString() {
		return this.text;
	}

}
