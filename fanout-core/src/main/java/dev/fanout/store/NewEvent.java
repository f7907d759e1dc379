package dev.fanout.store;

import java.time.Instant;

/**
 * An event row to insert: the event as it will be stored, and how it was received.
 *
 * @param event the event, with its row key
 * @param receivedAt when it was stored
 * @since 0.1.0
 */
public record NewEvent(StoredEvent event, Instant receivedAt) {
}
