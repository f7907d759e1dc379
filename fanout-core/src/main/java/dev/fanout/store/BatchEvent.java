package dev.fanout.store;

/**
 * One event of a batched run.
 *
 * @param runId the run
 * @param position where the event is in the batch, from 0 (the run's trigger)
 * @param eventSeq the event's row key
 * @param eventId the event id
 * @since 0.1.0
 */
public record BatchEvent(String runId, int position, String eventSeq, String eventId) {
}
