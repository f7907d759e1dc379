package dev.fanout.store;

/**
 * A step of a claimed run to record.
 *
 * @param runId the run
 * @param step the step row; a completed step is never overwritten
 */
public record RunStep(String runId, StoredStep step) {

}
