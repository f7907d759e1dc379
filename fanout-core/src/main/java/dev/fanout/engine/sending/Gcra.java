package dev.fanout.engine.sending;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The generic cell rate algorithm of a rate limit, on one stored time per key, the
 * theoretical arrival time: events are admitted one per {@code period / limit} on
 * average, and up to {@code limit} at once after a quiet period.
 */
final class Gcra {

	private Gcra() {
	}

	/**
	 * Admit an event, or not.
	 * @param tat the key's theoretical arrival time, or {@code null} for a key never seen
	 * @param now when the event arrives
	 * @param limit the most events per period, and at once
	 * @param period the period
	 * @return the key's new theoretical arrival time if the event is admitted, or
	 * {@code null} if it is over the limit
	 */
	static @Nullable Instant admit(@Nullable Instant tat, Instant now, int limit, Duration period) {
		Duration interval = period.dividedBy(limit);
		Instant from = (tat == null || tat.isBefore(now)) ? now : tat;
		// The burst: limit events at once take the arrival time limit intervals ahead.
		if (from.minus(interval.multipliedBy(limit - 1)).isAfter(now)) {
			return null;
		}
		return from.plus(interval);
	}

}
