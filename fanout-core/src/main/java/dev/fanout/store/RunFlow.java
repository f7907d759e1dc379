package dev.fanout.store;

import org.jspecify.annotations.Nullable;

/**
 * How a run is let through once it is queued, as its flow control made it when it was
 * created: its priority, and the gates it must pass to start.
 *
 * @param priority seconds the run is ordered ahead (or, negative, behind) of its due time
 * @param slot1 the concurrency slot it takes while running, or {@code null}
 * @param slot2 a second concurrency slot it takes, or {@code null}
 * @param throttle the throttle it passes to start, or {@code null}
 * @param singleton the singleton key it holds until it ends, or {@code null}
 * @since 0.1.0
 */
public record RunFlow(int priority, @Nullable String slot1, @Nullable String slot2, @Nullable String throttle,
		@Nullable String singleton) {

	/** The longest priority, in seconds either way. */
	public static final int MAX_PRIORITY = 600;

	/** No priority, no gate, no singleton. */
	public static final RunFlow NONE = new RunFlow(0, null, null, null, null);

	/**
	 * The gate whose queue the run waits in: its first slot, else its throttle.
	 * @return the gate key, or {@code null} for an ungated run
	 */
	public @Nullable String gate() {
		return (this.slot1 != null) ? this.slot1 : this.throttle;
	}

	/**
	 * Whether the run must pass a gate to start: a concurrency slot or a throttle.
	 * @return whether it is gated
	 */
	public boolean isGated() {
		return gate() != null;
	}

}
