package dev.fanout;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads, cancels and replays runs, for operators and tests.
 *
 * @since 0.1.0
 */
public interface FanoutAdmin {

	/**
	 * Find a run with its steps.
	 * @param runId the run id
	 * @return the run, or empty if there is none with that id
	 */
	Optional<RunInfo> run(String runId);

	/**
	 * The statuses of many runs, such as those a bulk action touched, without their
	 * steps: one query where the default reads each run.
	 * @param runIds the runs
	 * @return the status of each run found, by id; runs not found are left out
	 */
	default Map<String, RunStatus> statuses(Collection<String> runIds) {
		Map<String, RunStatus> statuses = new LinkedHashMap<>();
		for (String runId : runIds) {
			run(runId).ifPresent((run) -> statuses.put(runId, run.status()));
		}
		return statuses;
	}

	/**
	 * The runs an event triggered, oldest first, with their steps; a batched run is a run
	 * of each of its events. An event that flow control skipped has none, nor one whose
	 * debounced run a later event took over.
	 * @param eventId the event id
	 * @return the runs, empty if none
	 */
	List<RunInfo> runsForEvent(String eventId);

	/**
	 * How many events made no run of a function because of its flow control, counted by
	 * this instance, for the events it sent, since it started: over a {@code @RateLimit}
	 * ({@code rate-limit}), an {@code @Idempotency} key already used
	 * ({@code idempotency}), a {@code @Singleton} key held by an unfinished run
	 * ({@code singleton}), and a {@code @Debounce} run taken over by a later event
	 * ({@code debounce}). Other instances count their own sends.
	 * @return the counts by function id, then by reason; functions that skipped nothing
	 * are missing
	 */
	Map<String, Map<String, Long>> skippedEvents();

	/**
	 * List runs, newest first, with their steps.
	 * @param query the filters, page size and cursor
	 * @return the runs of the page; fewer than the limit on the last page
	 */
	List<RunInfo> runs(RunQuery query);

	/**
	 * Run past runs again: those of a function with a status, in a time range. The runs
	 * are queued at most {@code fanout.replay.rate} per second, so live traffic keeps
	 * flowing. A request replayed before (same id) queues nothing and returns what it
	 * queued then.
	 * @param request which runs and how
	 * @return the runs queued
	 * @throws IllegalArgumentException if the function is not one of this application's
	 */
	ReplayResult replay(ReplayRequest request);

	/**
	 * Cancel a run. A queued, sleeping or waiting run is cancelled at once; a running one
	 * finishes its current step and stops before the next. A finished run is left as it
	 * is.
	 * @param runId the run id
	 */
	void cancel(String runId);

	/**
	 * Cancel the unfinished runs of one of this application's functions, selected by
	 * status and creation time, as {@link #cancel(String)} cancels one. At most
	 * {@code fanout.replay.max-runs} runs: a request that selects more is refused whole.
	 * @param request which runs
	 * @return the runs cancelled
	 * @throws IllegalArgumentException if the function is not one of this application's,
	 * or the request selects too many runs
	 */
	CancelResult cancel(CancelRequest request);

	/**
	 * How many runs {@link #cancel(CancelRequest)} would cancel now, cancelling none.
	 * @param request which runs
	 * @return the count
	 * @throws IllegalArgumentException if the function is not one of this application's
	 */
	int countCancel(CancelRequest request);

	/**
	 * How many runs {@link #replay(ReplayRequest)} would queue now, queuing none: the
	 * preview of a replay.
	 * @param request which runs
	 * @return the count, which may exceed {@code fanout.replay.max-runs}
	 * @throws IllegalArgumentException if the function is not one of this application's
	 */
	int countReplay(ReplayRequest request);

	/**
	 * Pause one of this application's functions: its runs are still created, but none
	 * starts, on any instance, until it is resumed; they stay {@code QUEUED} (or
	 * sleeping, or waiting), and nothing is skipped or lost. A run already running goes
	 * on. Pausing a paused function changes nothing.
	 * @param functionId the function id
	 * @throws IllegalArgumentException if the function is not one of this application's
	 */
	void pause(String functionId);

	/**
	 * Resume a paused function: its due runs start, in their order.
	 * @param functionId the function id
	 * @throws IllegalArgumentException if the function is not one of this application's
	 */
	void resume(String functionId);

	/**
	 * Every function of every application on the database, with its run counts, paused
	 * state and recent activity.
	 * @return the functions, by application then function id
	 */
	List<FunctionInfo> functions();

	/**
	 * An event and the runs it started in every application on the database.
	 * @param eventId the event id
	 * @return the event, or empty if none with that id is stored (never sent, or removed
	 * by retention)
	 */
	Optional<EventInfo> event(String eventId);

}
