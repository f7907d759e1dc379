package dev.fanout.store;

import java.time.Instant;

/**
 * An event row to insert: the event as it will be stored, and how it was received.
 *
 * @param event the event, with its row key (duplicates get their own)
 * @param receivedAt when it was stored
 * @param duplicate whether the id was already seen within the dedup window
 * @since 0.1.0
 */
public record NewEvent(StoredEvent event, Instant receivedAt, boolean duplicate) {
}
