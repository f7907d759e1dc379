package dev.fanout;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An event as it was stored, and the runs it started in every application on the
 * database: the fan-out of one event.
 *
 * @param id the event id
 * @param name the event name
 * @param data the payload as JSON
 * @param user the {@code user} object as JSON, or {@code null}
 * @param ts the event's time
 * @param receivedAt when it was stored
 * @param duplicate whether it was stored as a repeat of an id seen before (it then
 * started no run)
 * @param runs the runs it started, oldest first, with their steps
 * @since 0.1.0
 */
public record EventInfo(String id, String name, String data, @Nullable String user, Instant ts, Instant receivedAt,
		boolean duplicate, List<RunInfo> runs) {

	public EventInfo {
		runs = List.copyOf(runs);
	}

}
