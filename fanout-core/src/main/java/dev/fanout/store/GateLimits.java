package dev.fanout.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What lets a function's runs start, as the claiming application declares it: the limits
 * of the concurrency slots its runs take, and its throttle. A claim checks each run
 * against its own function's limits, so a changed limit applies from the next claim.
 *
 * @param slot1 the most runs holding the run's first slot at once, or 0 for no slot
 * @param slot2 the most runs holding its second slot at once, or 0 for no slot
 * @param global whether a slot is global, shared with the runs of other functions
 * @param throttleInterval the time between two starts at the throttle's steady rate, or
 * {@code null} for no throttle
 * @param burst the most starts at once under the throttle
 * @since 0.1.0
 */
public record GateLimits(int slot1, int slot2, boolean global, @Nullable Duration throttleInterval, int burst) {

	/** No slot, no throttle: the runs of a function without them start as they come. */
	public static final GateLimits NONE = new GateLimits(0, 0, false, null, 1);

	/**
	 * The most runs holding a slot at once.
	 * @param slot 1 or 2
	 * @return the limit, 0 for none
	 */
	public int limit(int slot) {
		return (slot == 1) ? this.slot1 : this.slot2;
	}

}
