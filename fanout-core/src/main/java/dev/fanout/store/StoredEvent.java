package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event as stored.
 *
 * @param seq the storage sequence, which sorts in the order events were stored
 * @param id the event id
 * @param name the name
 * @param data the data JSON
 * @param user the user JSON, or {@code null}
 * @param ts the timestamp
 * @param v the schema version, or {@code null}
 */
public record StoredEvent(String seq, String id, String name, String data, @Nullable String user, Instant ts,
		@Nullable String v) {
}
