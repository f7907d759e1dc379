package dev.fanout.engine.sending;

/**
 * Cancels a run that an event's {@code @CancelOn} matcher matched, in the send's
 * transaction.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RunCanceller {

	/**
	 * Cancel a run.
	 * @param runId the run
	 * @param reason why, recorded as the run's error
	 * @return whether the run was cancelled or asked to stop; false when it had already
	 * ended
	 */
	boolean cancel(String runId, String reason);

}
