package dev.fanout.engine.step;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;
import org.springframework.util.StringUtils;

import dev.fanout.NonRetriableException;
import dev.fanout.engine.event.EventExpressions;

/**
 * The arguments sleeps, waits and invocations must have, checked before a run pauses,
 * with errors that name the step.
 *
 */
final class FlowChecks {

	/** The longest pause: a run parked for longer is more likely a bug than a plan. */
	static final Duration MAX_PAUSE = Duration.ofDays(366);

	private FlowChecks() {
	}

	/**
	 * Check a sleep's duration.
	 * @param id the step id
	 * @param duration the duration
	 * @throws NonRetriableException if it is missing, negative or over a year
	 */
	static void sleep(String id, @Nullable Duration duration) {
		if (duration == null || duration.isNegative()) {
			throw new NonRetriableException("sleep '" + id + "' needs a duration of zero or more, not " + duration);
		}
		pause("sleep '" + id + "'", duration);
	}

	/**
	 * Check a sleep's end.
	 * @param id the step id
	 * @param until the end
	 * @param now the time the sleep starts
	 * @throws NonRetriableException if it is missing or over a year away
	 */
	static void sleepUntil(String id, @Nullable Instant until, Instant now) {
		if (until == null) {
			throw new NonRetriableException("sleepUntil '" + id + "' needs a time");
		}
		pause("sleepUntil '" + id + "'", Duration.between(now, until));
	}

	/**
	 * Check a wait for an event.
	 * @param id the step id
	 * @param eventName the event to wait for
	 * @param timeout how long to wait
	 * @param match the match expression, or {@code null} or blank for any event
	 * @return the parsed match, or {@code null} for none
	 * @throws NonRetriableException if an argument is missing or wrong
	 */
	static @Nullable Expression waitForEvent(String id, @Nullable String eventName, @Nullable Duration timeout,
			@Nullable String match) {
		if (!StringUtils.hasText(eventName)) {
			throw new NonRetriableException("waitForEvent '" + id + "' needs an event name");
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new NonRetriableException("waitForEvent '" + id + "' needs a positive timeout, not " + timeout);
		}
		pause("waitForEvent '" + id + "'", timeout);
		if (!StringUtils.hasText(match)) {
			return null;
		}
		try {
			return EventExpressions.parse(match);
		}
		catch (IllegalArgumentException ex) {
			throw new NonRetriableException("waitForEvent '" + id + "': match " + ex.getMessage(), ex);
		}
	}

	/**
	 * Check an invocation's timeout.
	 * @param key the step key
	 * @param timeout the timeout, or {@code null} for none
	 * @return how long the invocation may take at most
	 * @throws NonRetriableException if the timeout is not positive or over a year
	 */
	static Duration invoke(String key, @Nullable Duration timeout) {
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new NonRetriableException("invoke '" + key + "' needs a positive timeout, not " + timeout);
		}
		Duration wait = (timeout != null) ? timeout : MAX_PAUSE;
		pause("invoke '" + key + "'", wait);
		return wait;
	}

	private static void pause(String what, Duration duration) {
		if (duration.compareTo(MAX_PAUSE) > 0) {
			throw new NonRetriableException(what + " is " + duration + " long; the longest pause is one year ("
					+ MAX_PAUSE.toDays() + " days)");
		}
	}

}
