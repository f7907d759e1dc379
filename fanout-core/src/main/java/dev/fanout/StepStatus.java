package dev.fanout;

/**
 * Where a step stands.
 *
 * @since 0.1.0
 */
public enum StepStatus {

	/** Succeeded; its output is stored. */
	COMPLETED,
	/** Failed: either waiting for its next attempt or failed for good. */
	FAILED,
	/** A durable sleep that has not ended. */
	SLEEPING,
	/** A wait for an event that has not ended. */
	WAITING

}
