package dev.fanout.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fanout.EventInfo;
import dev.fanout.FunctionInfo;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;

/**
 * Everything the engine reads and writes. Methods join the current transaction; the
 * engine decides where transactions begin. Writes on a claimed run are fenced: they apply
 * only while {@code owner} still holds the run's lease, and say whether they did.
 */
public interface RunStore {

	/**
	 * Lock event names for sending, as {@link #lockEventNames lockEventNames(eventNames,
	 * false)} does, then record event ids as seen and return those not seen since
	 * {@code windowStart}: together, because every send does both first. A store may read
	 * the function table's version with them, which the send needs next.
	 * @param eventNames the distinct names of the events
	 * @param ids distinct event ids
	 * @param now the time to record
	 * @param windowStart the start of the dedup window
	 * @return the ids that are new within the window
	 */
	AcceptedEvents acceptNewEvents(Collection<String> eventNames, Collection<String> ids, Instant now,
			Instant windowStart);

	/**
	 * Insert events, runs and the runs' cancellation matchers, each with one multi-row
	 * statement (or a few for large batches).
	 * @param events the events
	 * @param runs the runs
	 * @param waits the matchers
	 */
	void insert(List<NewEvent> events, List<NewRun> runs, List<NewWait> waits);

	/**
	 * Serialize senders and waiters of the same event names across instances: a sender
	 * holds a shared lock while it stores events, a waiter an exclusive one while it
	 * looks back for events and registers its wait, so an event is either seen by the
	 * look-back or finds the wait. Released when the transaction ends.
	 * @param eventNames the event names
	 * @param exclusive whether to lock exclusively (waiters) or shared (senders)
	 */
	void lockEventNames(Collection<String> eventNames, boolean exclusive);

	/**
	 * Insert events, runs and matchers as {@link #insert} does, then look up the pending
	 * matchers for events of these names that have not expired: together, because every
	 * send does both, after {@link #acceptNewEvents} locked the names. The look-up sees
	 * the matchers inserted here.
	 * @param events the events
	 * @param runs the runs
	 * @param waits the runs' cancellation matchers
	 * @param eventNames the names to find matchers for, none to find none
	 * @param now the current time
	 * @return the matchers found by no key, with their runs' triggers, and where to read
	 * the keys of the others
	 */
	WaitLookup insertAndFindWaits(List<NewEvent> events, List<NewRun> runs, List<NewWait> waits,
			Collection<String> eventNames, Instant now);

	/**
	 * The pending matchers found by key for the given keys, with their runs' triggers.
	 * @param keys the keys, read from arriving events
	 * @param now the current time
	 * @return the matchers that have not expired, by run id then step key
	 */
	List<PendingWait> keyedWaits(Collection<WaitLookup.Key> keys, Instant now);

	/**
	 * One page of the events of a name, in the order they were stored (by receive time,
	 * then sequence), after a position in that order.
	 * @param name the event name
	 * @param receivedAt the receive time of the position: for the first page, the
	 * earliest receive time wanted
	 * @param afterSeq the sequence of the position; {@code ""} for the first page
	 * @param limit the most events
	 * @return the events, with their receive times
	 */
	List<NewEvent> eventsAfter(String name, Instant receivedAt, String afterSeq, int limit);

	/**
	 * Store a matcher.
	 * @param wait the matcher
	 */
	void insertWait(NewWait wait);

	/**
	 * Remove one of a run's matchers.
	 * @param runId the run
	 * @param stepKey the matcher's key
	 */
	void deleteWait(String runId, String stepKey);

	/**
	 * End a waiting step if it still waits: the arbiter between an event, a timeout and a
	 * child run's end, so that only one of them resumes it.
	 * @param runId the run
	 * @param step the step's new row (completed, or failed for good)
	 * @return whether the step was still waiting
	 */
	boolean resolveWaitingStep(String runId, StoredStep step);

	/**
	 * Queue a sleeping or waiting run to run now.
	 * @param runId the run
	 * @param now the current time
	 * @return whether it was parked
	 */
	boolean wake(String runId, Instant now);

	/**
	 * Park a run this owner holds: it gives up its lease and sleeps or waits until
	 * {@code dueAt}.
	 * @param runId the run
	 * @param owner the lease owner
	 * @param status {@code SLEEPING} or {@code WAITING}
	 * @param dueAt when to resume it if nothing else does
	 * @return whether the owner still held the lease
	 */
	boolean park(String runId, String owner, RunStatus status, Instant dueAt);

	/**
	 * Whether the owner's claimed run was asked to cancel, and why.
	 * @param runId the run
	 * @param owner the lease owner
	 * @return the reason, if the owner holds the lease and a cancellation is pending
	 */
	Optional<String> cancelRequested(String runId, String owner);

	/**
	 * Cancel a run that is not running (queued, sleeping or waiting) and remove its
	 * matchers.
	 * @param runId the run
	 * @param reason why
	 * @param now the current time
	 * @return the run with its trigger, if it was cancelled now
	 */
	Optional<ClaimedRun> cancelParked(String runId, String reason, Instant now);

	/**
	 * Ask a running run to stop before its next step.
	 * @param runId the run
	 * @param reason why
	 * @return whether the run is running
	 */
	boolean requestCancel(String runId, String reason);

	/**
	 * Set or clear a run's deadline.
	 * @param runId the run
	 * @param deadlineAt when it is cancelled, or {@code null} for never
	 * @param reason why, for the cancellation's error
	 */
	void setDeadline(String runId, @Nullable Instant deadlineAt, @Nullable String reason);

	/**
	 * Unfinished runs whose deadline passed.
	 * @param now the current time
	 * @param limit the most runs
	 * @return run ids with their deadline reasons
	 */
	List<Map.Entry<String, String>> overdue(Instant now, int limit);

	/**
	 * When the next run of these functions is due, for the dispatcher to wake on time:
	 * the earliest due time, or, for runs whose rank the priorities put far ahead, a time
	 * no later.
	 * @param functionIds the functions
	 * @param now the current time
	 * @return the time, if any run is pending
	 */
	Optional<Instant> nextDue(Collection<String> functionIds, Instant now);

	/**
	 * Claim due runs of the given functions, in rank order (due time less priority):
	 * queued and paused runs behind no gate whose time has come, and running runs whose
	 * lease expired.
	 * @param owner this instance's lease owner id
	 * @param functionIds the functions this instance runs
	 * @param limit the most runs to claim
	 * @param now the current time
	 * @param leaseUntil when the new leases expire
	 * @return the claimed runs
	 */
	List<ClaimedRun> claim(String owner, Collection<String> functionIds, int limit, Instant now, Instant leaseUntil);

	/**
	 * Claim due runs that wait behind gates (concurrency slots and throttles), as many as
	 * the gates let through, exactly across all instances: starts through one gate take
	 * turns, and keys take turns, the longest due first.
	 * @param owner this instance's lease owner id
	 * @param functions the functions this instance runs, each with its limits
	 * @param limit the most runs to claim
	 * @param now the current time
	 * @param leaseUntil when the new leases expire
	 * @return the claimed runs
	 */
	List<ClaimedRun> claimGated(String owner, Map<String, GateLimits> functions, int limit, Instant now,
			Instant leaseUntil);

	/**
	 * Make the gates new runs wait behind due no later than those runs; the last write of
	 * a send, so that it takes no gate's lock before the runs' locks it needs.
	 * @param openings the gates, one per key, in key order
	 */
	void openGates(List<GateOpening> openings);

	/**
	 * The events of a batched run, in the order they joined it; the first is its trigger.
	 * @param runId the run
	 * @return the events, none for a run that is not batched
	 */
	List<StoredEvent> batchEvents(String runId);

	/**
	 * Give a new run the batch of another, for a fresh replay of a batched run.
	 * @param fromRunId the run replayed
	 * @param toRunId the new run
	 */
	void copyBatchEvents(String fromRunId, String toRunId);

	/**
	 * Load the stored steps of a run.
	 * @param runId the run id
	 * @return the steps, in no particular order
	 */
	List<StoredStep> steps(String runId);

	/**
	 * Read a step and lock it until the transaction ends: a concurrent resolution of the
	 * step (an arriving event, say) waits, and is then seen by whoever reads it next.
	 * @param runId the run id
	 * @param stepKey the step key
	 * @return the step, if stored
	 */
	Optional<StoredStep> lockStep(String runId, String stepKey);

	/**
	 * Store steps' completions or failed attempts of runs the owner holds, in a few
	 * statement round trips however many runs there are. Leases are not extended: that is
	 * the heartbeat's job.
	 * @param owner the lease owner
	 * @param steps the steps, at most one per run
	 * @return for each step, in order, whether the owner still held its run's lease; a
	 * step is stored only then
	 */
	boolean[] saveSteps(String owner, List<RunStep> steps);

	/**
	 * Store one step; see {@link #saveSteps}.
	 * @param runId the run id
	 * @param owner the lease owner
	 * @param step the step row; a completed step is never overwritten
	 * @return whether the owner still held the lease
	 */
	default boolean saveStep(String runId, String owner, StoredStep step) {
		return saveSteps(owner, List.of(new RunStep(runId, step)))[0];
	}

	/**
	 * Store a step that finished while its run was asked to stop, so the work it did is
	 * kept.
	 * @param runId the run id
	 * @param owner the lease owner
	 * @param step the step row; a completed step is never overwritten
	 * @return whether the owner still held the run and a cancellation was pending
	 */
	boolean saveStepOfCancellingRun(String runId, String owner, StoredStep step);

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
	 * End runs with their final status and remove their matchers, in one statement round
	 * trip per kind of statement however many runs there are.
	 * @param owner the lease owner
	 * @param ends the runs' final states, at most one per run
	 * @return for each run, in order, whether the owner still held its lease; a run is
	 * ended only then
	 */
	boolean[] finish(String owner, List<RunEnd> ends);

	/**
	 * Store steps as {@link #saveSteps} does and end runs as {@link #finish} does, in as
	 * few statement round trips as the store can: a run with both a step and an end here
	 * (its last step, stored with its end) is ended only if its step was stored.
	 * @param owner the lease owner
	 * @param steps the steps, at most one per run
	 * @param ends the ends, at most one per run
	 * @return for each step, then for each end, in order, whether it was written
	 */
	boolean[] saveStepsAndFinish(String owner, List<RunStep> steps, List<RunEnd> ends);

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
	 * Hand back runs that were claimed and never started, as if the claim had not been
	 * made: their attempts, and the start time of a first attempt, are taken back.
	 * @param owner the lease owner
	 * @param runIds the runs
	 * @param now the current time
	 * @return how many runs were handed back
	 */
	int unclaim(String owner, Collection<String> runIds, Instant now);

	/**
	 * Find a run with its steps.
	 * @param runId the run id
	 * @return the run
	 */
	Optional<RunInfo> run(String runId);

	/**
	 * The statuses of runs, in one query, for following many at once.
	 * @param runIds the runs
	 * @return the status of each run found, by id
	 */
	Map<String, RunStatus> statuses(Collection<String> runIds);

	/**
	 * Find the runs of an event with their steps: those it triggered, and those of the
	 * batches it is one of the events of.
	 * @param eventId the event id
	 * @return the runs, oldest first
	 */
	List<RunInfo> runsForEvent(String eventId);

	/**
	 * Find an event, its first stored row if there are several, with the runs of every
	 * application that it triggered or is in the batch of.
	 * @param eventId the event id
	 * @return the event, if stored
	 */
	Optional<EventInfo> event(String eventId);

	/**
	 * List runs with their steps, newest first.
	 * @param query the filters, page size and cursor
	 * @return the runs
	 */
	List<RunInfo> runs(RunQuery query);

	/**
	 * How many runs each function of every application has in each status.
	 * @return the counts by function, then status
	 */
	Map<FunctionKey, Map<RunStatus, Long>> countRunsByFunction();

	/**
	 * The backlog of this store's application's functions: how many runs of each are due
	 * and not running (queued, or sleeping or waiting past their due time), paused
	 * functions' included.
	 * @param functionIds the functions
	 * @param now the current time
	 * @return the counts by function id; functions without due runs are missing
	 */
	Map<String, Long> countDueRuns(Collection<String> functionIds, Instant now);

	/**
	 * How many runs of each function started, and how many failed, in each of the last 60
	 * minutes: of the runs created in that time, which the run ids find.
	 * @param functions the functions
	 * @param now the current time, in the last minute
	 * @return the activity of each of the functions
	 */
	Map<FunctionKey, FunctionInfo.Activity> activity(Collection<FunctionKey> functions, Instant now);

	/**
	 * The paused functions of every application.
	 * @return the functions
	 */
	Set<FunctionKey> pausedFunctions();

	/**
	 * The paused functions of this store's application.
	 * @return their ids
	 */
	Set<String> pausedFunctionIds();

	/**
	 * Pause a function of this store's application: no claim starts its runs, on any
	 * instance, once the current transaction commits.
	 * @param functionId the function
	 * @param now the current time
	 * @return whether it was paused now, not before
	 */
	boolean pause(String functionId, Instant now);

	/**
	 * Resume a paused function of this store's application: the gates its runs wait
	 * behind are made due.
	 * @param functionId the function
	 * @param now the current time
	 * @return whether it was paused
	 */
	boolean resume(String functionId, Instant now);

	/**
	 * The runs of a function of this store's application in some statuses, created in a
	 * time range, oldest first.
	 * @param functionId the function id
	 * @param statuses the statuses
	 * @param from the earliest creation time
	 * @param to the end of the range, exclusive
	 * @param limit the most runs
	 * @return the run ids
	 */
	List<String> runsOf(String functionId, Set<RunStatus> statuses, Instant from, Instant to, int limit);

	/**
	 * How many runs {@link #runsOf} would find without a limit.
	 * @param functionId the function id
	 * @param statuses the statuses
	 * @param from the earliest creation time
	 * @param to the end of the range, exclusive
	 * @return the number of runs
	 */
	int countRunsOf(String functionId, Set<RunStatus> statuses, Instant from, Instant to);

	/**
	 * The finished runs of a function of this store's application with a status, created
	 * in a time range, oldest first.
	 * @param functionId the function id
	 * @param status the status
	 * @param from the earliest creation time
	 * @param to the end of the range, exclusive
	 * @param runId only this run, or {@code null} for all
	 * @return the runs
	 */
	List<ReplayableRun> replayableRuns(String functionId, RunStatus status, Instant from, Instant to,
			@Nullable String runId);

	/**
	 * How many runs {@link #replayableRuns} would return, without locking them.
	 * @param functionId the function id
	 * @param status the status
	 * @param from the earliest creation time
	 * @param to the end of the range, exclusive
	 * @param runId only this run, or {@code null} for all
	 * @return the number of runs
	 */
	int countReplayableRuns(String functionId, RunStatus status, Instant from, Instant to, @Nullable String runId);

	/**
	 * Queue a finished run again, keeping its completed steps and dropping the others.
	 * @param runId the run id
	 * @param status the status it must still have
	 * @param dueAt when it may start
	 * @return whether it had that status and was queued
	 */
	boolean requeueForReplay(String runId, RunStatus status, Instant dueAt);

	/**
	 * What a replay request queued, if it was carried out before.
	 * @param requestId the request id
	 * @return the run ids, or empty for a new request
	 */
	Optional<List<String>> replayed(String requestId);

	/**
	 * Record a replay request before carrying it out; a concurrent request with the same
	 * id fails on the key.
	 * @param requestId the request id
	 * @param functionId the function
	 * @param mode the mode
	 * @param at when
	 * @throws org.springframework.dao.DuplicateKeyException if the id is taken
	 */
	void startReplay(String requestId, String functionId, String mode, Instant at);

	/**
	 * Record the runs a replay request queued.
	 * @param requestId the request id
	 * @param runIds the runs
	 */
	void finishReplay(String requestId, List<String> runIds);

	/**
	 * The functions of every application sharing the database.
	 * @return the functions, by application then id
	 */
	List<RegisteredFunction> functions();

	/**
	 * Something that changes whenever an application registers its functions, so that a
	 * cached copy of {@link #functions()} can tell it is out of date.
	 * @return the version
	 */
	String functionsVersion();

	/**
	 * Replace an application's functions with these.
	 * @param appId the application
	 * @param functions its functions now
	 */
	void registerFunctions(String appId, List<RegisteredFunction> functions);

	/**
	 * Record that an application is still running.
	 * @param appId the application
	 * @param now the current time
	 */
	void touchFunctions(String appId, Instant now);

	/**
	 * Tell other instances, once the current transaction commits, that runs of these
	 * applications are due, so they claim them without waiting for a poll. Where the
	 * database cannot, this does nothing and other instances poll.
	 * @param appIds the applications, {@code *} for all
	 */
	void announce(Collection<String> appIds);

	/**
	 * Listen for other instances' announcements of this store's application's runs.
	 * @param onWake called when runs may be due
	 * @return the listening, to close to stop
	 */
	Listening listen(Runnable onWake);

}
