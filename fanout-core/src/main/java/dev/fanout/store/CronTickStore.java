package dev.fanout.store;

import java.time.Instant;
import java.util.Map;

/**
 * The cron ticks of one application's functions, one row per function and tick: the row's
 * primary key makes a tick create one run however many instances reach it. Methods join
 * the current transaction.
 *
 * @since 0.1.0
 */
public interface CronTickStore {

	/**
	 * The latest tick of each function of this application, or when the application first
	 * saw the function if it has not ticked yet.
	 * @return the times by function id
	 */
	Map<String, Instant> latestTicks();

	/**
	 * Record when this application first saw a cron function, unless it has a row
	 * already, so that its first run is at its first tick after that moment.
	 * @param functionId the function
	 * @param now the current time
	 */
	void markSeen(String functionId, Instant now);

	/**
	 * Record a tick of a function unless that tick, or a later one, is recorded already.
	 * @param functionId the function
	 * @param tickAt the tick
	 * @param now the current time
	 * @return whether this call recorded it, so its caller creates the tick's run
	 */
	boolean claim(String functionId, Instant tickAt, Instant now);

	/**
	 * Record which run a claimed tick created.
	 * @param functionId the function
	 * @param tickAt the tick
	 * @param runId the run
	 */
	void recordRun(String functionId, Instant tickAt, String runId);

}
