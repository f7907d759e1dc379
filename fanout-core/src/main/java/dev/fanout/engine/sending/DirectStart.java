package dev.fanout.engine.sending;

import java.time.Instant;
import java.util.List;

import dev.fanout.store.ClaimedRun;

/**
 * A local worker that a send may hand its new runs to, so that they start as soon as the
 * send commits, without a claim: they are inserted already leased to it. If the instance
 * dies before they finish, their lease expires and any instance claims them, as for any
 * run it held.
 *
 * @since 0.1.0
 */
public interface DirectStart {

	/**
	 * Reserve a free thread for a run of a function.
	 * @param functionId the run's function
	 * @return whether a thread was reserved; if so, the run must be passed to
	 * {@link #startReserved} or the thread to {@link #unreserve}
	 */
	boolean reserve(String functionId);

	/**
	 * Start runs on threads reserved for them, once their insert committed.
	 * @param runs the runs, one per reserved thread
	 */
	void startReserved(List<ClaimedRun> runs);

	/**
	 * Free threads reserved for runs whose insert rolled back.
	 * @param count how many
	 */
	void unreserve(int count);

	/**
	 * The lease owner id the runs are inserted with.
	 * @return the owner
	 */
	String owner();

	/**
	 * The end of the lease of a run started now.
	 * @return when it ends
	 */
	Instant leaseUntil();

}
