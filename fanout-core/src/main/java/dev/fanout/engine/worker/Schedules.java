package dev.fanout.engine.worker;

import java.time.Instant;
import java.util.Optional;

/**
 * The cron schedules the dispatcher fires: on each pass it creates the runs of the ticks
 * that have come, and it never sleeps past the next one.
 *
 * @since 0.1.0
 */
public interface Schedules {

	/**
	 * Create the runs of the ticks that have come.
	 */
	void fireDue();

	/**
	 * When {@link #fireDue()} has work next.
	 * @return the earliest time, or empty if no schedule ticks again
	 */
	Optional<Instant> nextCheck();

}
