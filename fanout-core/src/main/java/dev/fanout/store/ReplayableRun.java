package dev.fanout.store;

/**
 * A finished run a replay may run again.
 *
 * @param id the run id
 * @param eventSeq the row key of its triggering event
 * @param eventId the id of its triggering event
 * @param flow its priority and gates, which a run replaying it keeps
 */
public record ReplayableRun(String id, String eventSeq, String eventId, RunFlow flow) {
}
