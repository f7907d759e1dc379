package dev.fanout.engine.event;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.EventLimitExceededException;
import dev.fanout.engine.settings.Limits;
import dev.fanout.spi.PayloadSerializer;

/**
 * Checks events against the limits and serializes them, before anything is written, so
 * that one bad event rejects the whole send and says which event and which limit.
 *
 * @param limits the limits
 * @param serializer serializes data and user
 * @param clock the clock, for how far ahead an event's time may be
 * @since 0.1.0
 */
public record EventPayloads(Limits limits, PayloadSerializer serializer, Clock clock) {

	/**
	 * The furthest ahead an event's time may be, as for a pause: an event that far away
	 * is more likely a unit mistake (seconds for milliseconds) than a plan.
	 */
	public static final Duration MAX_AHEAD = Duration.ofDays(366);

	/**
	 * Check events an application sends: none null, no reserved name, within the limits.
	 * @param events the events
	 * @return their serialized payloads, in order
	 * @throws IllegalArgumentException naming the first problem; an
	 * {@link EventLimitExceededException} when the send is too large
	 */
	public List<Payload> forSend(List<Event> events) {
		if (events == null || events.isEmpty()) {
			throw new IllegalArgumentException("events must not be empty");
		}
		for (Event event : events) {
			if (event == null) {
				throw new IllegalArgumentException("events must not contain null");
			}
		}
		rejectReserved(events);
		return of(events);
	}

	/**
	 * Refuse events that only fanout itself may send, such as a fake
	 * {@code fanout/function.finished}.
	 * @param events the events
	 * @throws IllegalArgumentException if an event name is reserved
	 */
	public static void rejectReserved(List<Event> events) {
		for (Event event : events) {
			if (SystemEvents.isSystemEvent(event.name())) {
				throw new IllegalArgumentException("Event name '" + event.name()
						+ "' is reserved: names starting with '" + SystemEvents.PREFIX + "' are sent by fanout itself");
			}
		}
	}

	/**
	 * Check and serialize events, system events included.
	 * @param events the events
	 * @return their serialized payloads, in order
	 * @throws IllegalArgumentException naming the first problem
	 */
	public List<Payload> of(List<Event> events) {
		if (events.size() > this.limits.maxEventsPerSend()) {
			throw new EventLimitExceededException("Cannot send " + events.size() + " events at once: the limit is "
					+ this.limits.maxEventsPerSend() + " (fanout.events.max-batch-size)");
		}
		List<Payload> payloads = new ArrayList<>(events.size());
		for (int i = 0; i < events.size(); i++) {
			payloads.add(payload((events.size() > 1) ? i : -1, events.get(i)));
		}
		return payloads;
	}

	private Payload payload(int index, Event event) {
		String where = (index >= 0) ? "Event " + index + " ('" + event.name() + "')" : "Event '" + event.name() + "'";
		// The limits are for senders. A system event carries its trigger (already
		// checked) plus an error or the run's output, and is written with the run's end:
		// rejecting it would leave that end unrecordable and the run executing again and
		// again.
		boolean sent = !SystemEvents.isSystemEvent(event.name());
		if (event.name().isBlank() || event.name().length() > this.limits.maxEventNameLength()) {
			throw new IllegalArgumentException(where + ": name must be 1 to " + this.limits.maxEventNameLength()
					+ " characters (fanout.limits.max-event-name-length), not " + event.name().length());
		}
		if (event.id().isBlank() || event.id().length() > 128) {
			throw new IllegalArgumentException(where + ": id must be 1 to 128 characters");
		}
		String v = event.v();
		if (v != null && v.length() > 64) {
			throw new IllegalArgumentException(where + ": v must be at most 64 characters");
		}
		String problem = sent ? EventStrings.problem(event) : null;
		if (problem != null) {
			throw new IllegalArgumentException(where + ": " + problem);
		}
		Instant latest = this.clock.instant().plus(MAX_AHEAD);
		if (sent && event.ts().isAfter(latest)) {
			throw new IllegalArgumentException(where + ": ts " + event.ts() + " is more than a year ahead (at most "
					+ MAX_AHEAD.toDays() + " days, as for a pause): is it in seconds rather than milliseconds?");
		}
		String data = this.serializer.serialize(event.data());
		String user = event.user().isEmpty() ? null : this.serializer.serialize(event.user());
		long size = utf8Length(data) + ((user != null) ? utf8Length(user) : 0);
		if (size > this.limits.maxPayloadSize() && sent) {
			throw new EventLimitExceededException(where + ": payload is " + size + " bytes, over the limit of "
					+ this.limits.maxPayloadSize() + " bytes (fanout.events.max-payload-size)");
		}
		return new Payload(data, user);
	}

	private static long utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

	/**
	 * An event's data and user, as JSON.
	 *
	 * @param data the data JSON
	 * @param user the user JSON, or {@code null} when the event has none
	 */
	public record Payload(String data, @Nullable String user) {
	}

}
