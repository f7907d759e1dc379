package dev.fanout;

/**
 * Where a run stands.
 *
 * @since 0.1.0
 */
public enum RunStatus {

	/** Waiting for a worker, possibly until a retry is due. */
	QUEUED,
	/** Being executed by a worker that holds its lease. */
	RUNNING,
	/** Paused by a durable sleep. */
	SLEEPING,
	/** Paused until a matching event arrives. */
	WAITING,
	/** Finished; its output is stored. */
	COMPLETED,
	/** Failed for good; its error is stored. */
	FAILED,
	/** Cancelled before it finished. */
	CANCELLED;

	/**
	 * Whether a run in this status will not change again by itself.
	 * @return whether the status is final
	 */
	public boolean isFinal() {
		return this == COMPLETED || this == FAILED || this == CANCELLED;
	}

}
