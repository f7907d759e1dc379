package dev.fanout.store;

/**
 * A run that a debounce or a batch may still change: queued and never started, locked
 * until the send that read it ends, so that no claim starts it meanwhile.
 *
 * @param id the run id
 * @param eventSeq the row key of its triggering event
 * @param eventId the id of its triggering event
 * @param flow its priority and the gates it waits behind
 * @since 0.1.0
 */
public record OpenRun(String id, String eventSeq, String eventId, RunFlow flow) {
}
