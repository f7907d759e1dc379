package dev.fanout;

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

}
