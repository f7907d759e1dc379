package dev.fanout.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fanout.RunInfo;
import dev.fanout.RunStatus;

/**
 * Everything the engine reads and writes. Methods join the current transaction; the
 * engine decides where transactions begin. Writes on a claimed run are fenced: they apply
 * only while {@code owner} still holds the run's lease, and say whether they did.
 */
public interface RunStore {

	/**
	 * Record event ids as seen and return those not seen since {@code windowStart}.
	 * @param ids distinct event ids
	 * @param now the time to record
	 * @param windowStart the start of the dedup window
	 * @return the ids that are new within the window
	 */
	Set<String> acceptNewEventIds(Collection<String> ids, Instant now, Instant windowStart);

	/**
	 * Insert events and runs, each with one multi-row statement (or a few for large
	 * batches).
	 * @param events the events
	 * @param runs the runs
	 */
	void insert(List<NewEvent> events, List<NewRun> runs);

	/**
	 * Claim due runs of the given functions: queued runs whose time has come and running
	 * runs whose lease expired.
	 * @param owner this instance's lease owner id
	 * @param functionIds the functions this instance runs
	 * @param limit the most runs to claim
	 * @param now the current time
	 * @param leaseUntil when the new leases expire
	 * @return the claimed runs
	 */
	List<ClaimedRun> claim(String owner, Collection<String> functionIds, int limit, Instant now, Instant leaseUntil);

	/**
	 * Load the stored steps of a run.
	 * @param runId the run id
	 * @return the steps, in no particular order
	 */
	List<StoredStep> steps(String runId);

	/**
	 * Store a step's completion or failed attempt and extend the run's lease.
	 * @param runId the run id
	 * @param owner the lease owner
	 * @param step the step row; a completed step is never overwritten
	 * @param leaseUntil the new lease expiry
	 * @return whether the owner still held the lease
	 */
	boolean saveStep(String runId, String owner, StoredStep step, Instant leaseUntil);

	/**
	 * Put a run back in the queue until {@code dueAt}.
	 * @param runId the run id
	 * @param owner the lease owner
	 * @param dueAt when it may run again
	 * @param failures the new count of function-level failures
	 * @param retryAttempt the attempt number of the next invocation
	 * @param error the error that caused the retry, or {@code null}
	 * @return whether the owner still held the lease
	 */
	boolean requeue(String runId, String owner, Instant dueAt, int failures, int retryAttempt, @Nullable String error);

	/**
	 * End a run with a final status.
	 * @param runId the run id
	 * @param owner the lease owner
	 * @param status the final status
	 * @param output the output JSON, or {@code null}
	 * @param error the error, or {@code null}
	 * @param errorStack the error's stack trace, or {@code null}
	 * @param endedAt the end time
	 * @return whether the owner still held the lease
	 */
	boolean finish(String runId, String owner, RunStatus status, @Nullable String output, @Nullable String error,
			@Nullable String errorStack, Instant endedAt);

	/**
	 * Extend the leases of the given runs.
	 * @param owner the lease owner
	 * @param runIds the runs
	 * @param leaseUntil the new expiry
	 * @return how many leases were extended
	 */
	int extendLeases(String owner, Collection<String> runIds, Instant leaseUntil);

	/**
	 * Hand back runs to the queue at once, for another worker to pick up.
	 * @param owner the lease owner
	 * @param runIds the runs
	 * @param now the current time
	 * @return how many runs were handed back
	 */
	int release(String owner, Collection<String> runIds, Instant now);

	/**
	 * Find a run with its steps.
	 * @param runId the run id
	 * @return the run
	 */
	Optional<RunInfo> run(String runId);

	/**
	 * Find the runs of an event with their steps.
	 * @param eventId the event id
	 * @return the runs, oldest first
	 */
	List<RunInfo> runsForEvent(String eventId);

}
