package dev.fanout.store;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

import dev.fanout.RunStatus;

/**
 * Deletes what has outlived its retention, one small batch per call; each call is meant
 * to be a transaction of its own. Rows another transaction holds are skipped, not waited
 * for, so instances that clean at the same time share the work instead of blocking each
 * other.
 *
 * @since 0.1.0
 */
public interface RetentionStore {

	/**
	 * Delete runs of this application that ended with one of the statuses before a time,
	 * with their steps, matchers and batches' events.
	 * @param statuses final statuses
	 * @param endedBefore the latest end time to delete
	 * @param limit the most runs to delete
	 * @return how many runs were deleted
	 */
	int deleteEndedRuns(Collection<RunStatus> statuses, Instant endedBefore, int limit);

	/**
	 * When the earliest unfinished run of any application first started: its waits look
	 * back at the events stored since then.
	 * @return the time, if an unfinished run has started
	 */
	Optional<Instant> earliestUnfinishedStart();

	/**
	 * Delete events no run refers to, stored before a time.
	 * @param receivedBefore the latest store time to delete
	 * @param limit the most events to delete
	 * @return how many events were deleted
	 */
	int deleteUnreferencedEvents(Instant receivedBefore, int limit);

	/**
	 * Delete remembered event ids last seen before a time (outside the dedup window).
	 * @param seenBefore the latest time to delete
	 * @param limit the most ids to delete
	 * @return how many ids were deleted
	 */
	int deleteEventIds(Instant seenBefore, int limit);

	/**
	 * Delete replay requests made before a time.
	 * @param createdBefore the latest time to delete
	 * @param limit the most requests to delete
	 * @return how many requests were deleted
	 */
	int deleteReplays(Instant createdBefore, int limit);

	/**
	 * Delete the state rows of flow controls that say nothing any more: rate limits and
	 * idempotency keys whose time has passed, singletons', and debounced or batched keys
	 * whose run has started or ended.
	 * @param now the current time
	 * @param limit the most rows to delete
	 * @return how many rows were deleted
	 */
	int deleteSpentFlowStates(Instant now, int limit);

	/**
	 * Delete cron ticks of this application before a time, except the latest of each
	 * function, which says where its schedule resumes.
	 * @param tickedBefore the latest tick to delete
	 * @param limit the most ticks to delete
	 * @return how many ticks were deleted
	 */
	int deleteCronTicks(Instant tickedBefore, int limit);

	/**
	 * Delete gates no run waits behind or holds a slot of, and whose throttle has nothing
	 * left to space: a claim creates again one that a waiting run must pass.
	 * @param now the current time
	 * @param limit the most gates to delete
	 * @return how many gates were deleted
	 */
	int deleteIdleGates(Instant now, int limit);

}
