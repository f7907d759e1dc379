package dev.fanout.engine.run;

import java.time.Instant;

/**
 * What the execution of a run needs from the worker that claimed it.
 *
 * @since 0.1.0
 */
public interface RunHost {

	/**
	 * The worker's lease owner id, which fences every write of its runs.
	 * @return the owner
	 */
	String owner();

	/**
	 * Whether the worker is stopping: runs stop before their next step and are handed
	 * back.
	 * @return whether it is stopping
	 */
	boolean isStopping();

	/**
	 * Whether a local cancellation asked a run to stop before its next step.
	 * @param runId the run
	 * @return whether it was asked
	 */
	boolean isCancelMarked(String runId);

	/**
	 * Look for due runs at a time, for a run requeued or parked until then.
	 * @param due when
	 */
	void wakeAt(Instant due);

}
