package dev.fanout.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of the controls a send decides (rate limit, idempotency, singleton, debounce,
 * batch), one row per key, and the changes those decisions make to runs. Methods join the
 * send's transaction; a send first locks every key it needs, in one call, and holds them
 * until it ends, so that sends on any instance decide one after the other per key.
 */
public interface FlowStateStore {

	/**
	 * Create the rows of keys that have none, then lock and read every key's row. The
	 * keys are locked in one order whatever the caller, so that two sends needing the
	 * same keys never wait for each other in a circle.
	 * @param keys the keys, distinct
	 * @return the state of each key, by key
	 */
	Map<String, FlowState> lock(Collection<String> keys);

	/**
	 * Write states the send changed, whose keys it locked.
	 * @param states the states
	 */
	void save(Collection<FlowState> states);

	/**
	 * The unfinished runs (queued, running, sleeping or waiting) of a function that hold
	 * a singleton key.
	 * @param functionId the function
	 * @param singletonKey the key
	 * @return the run ids
	 */
	List<String> unfinishedRuns(String functionId, String singletonKey);

	/**
	 * Lock a run and read it if it is still open: queued, never started. A claim that
	 * holds it is waited for.
	 * @param runId the run
	 * @return the run, or empty if it has started, ended or gone
	 */
	Optional<OpenRun> lockOpenRun(String runId);

	/**
	 * Give an open run, locked by {@link #lockOpenRun}, another trigger and due time; its
	 * rank follows its due time and priority, and its gates its trigger.
	 * @param runId the run
	 * @param eventSeq the row key of the new trigger
	 * @param eventId the id of the new trigger
	 * @param flow the run's priority and gates, as the new trigger gives them
	 * @param dueAt when it may start
	 */
	void retrigger(String runId, String eventSeq, String eventId, RunFlow flow, Instant dueAt);

	/**
	 * Add events to batches.
	 * @param events the events, each at a position free in its run's batch
	 */
	void insertBatchEvents(List<BatchEvent> events);

}
