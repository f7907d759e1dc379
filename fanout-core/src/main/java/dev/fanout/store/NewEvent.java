package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event row to insert.
 *
 * @param seq the row key, unique per stored event (duplicates get their own)
 * @param id the event id
 * @param name the event name
 * @param data the data as JSON
 * @param user the user data as JSON, or {@code null}
 * @param ts the event timestamp
 * @param v the schema version, or {@code null}
 * @param receivedAt when it was stored
 * @param duplicate whether the id was already seen within the dedup window
 */
public record NewEvent(String seq, String id, String name, String data, @Nullable String user, Instant ts,
		@Nullable String v, Instant receivedAt, boolean duplicate) {
}
