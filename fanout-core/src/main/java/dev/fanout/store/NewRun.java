package dev.fanout.store;

import java.time.Instant;

/**
 * A run row to insert, queued until {@code dueAt}.
 *
 * @param id the run id
 * @param functionId the function id
 * @param eventSeq the row key of the triggering event
 * @param eventId the id of the triggering event
 * @param dueAt when it may start
 * @param createdAt when it was created
 */
public record NewRun(String id, String functionId, String eventSeq, String eventId, Instant dueAt, Instant createdAt) {
}
