package dev.fanout;

import java.util.List;
import java.util.Optional;

/**
 * Reads runs and their steps, for operators and tests.
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
	 * Cancel a run. A queued, sleeping or waiting run is cancelled at once; a running one
	 * finishes its current step and stops before the next. A finished run is left as it
	 * is.
	 * @param runId the run id
	 */
	void cancel(String runId);

}
