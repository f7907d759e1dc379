package dev.fanout;

import java.util.List;
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
	 * The runs an event triggered, oldest first, with their steps.
	 * @param eventId the event id
	 * @return the runs, empty if none
	 */
	List<RunInfo> runsForEvent(String eventId);

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
