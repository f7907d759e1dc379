package dev.fanout;

/**
 * How a replay runs a past run again.
 *
 * @since 0.1.0
 */
public enum ReplayMode {

	/**
	 * A new run from the original event, with every step run again (Inngest's replay).
	 */
	FRESH,

	/**
	 * The same run queued again with its completed steps kept, so their side effects are
	 * not repeated; only the failed step and what follows run.
	 */
	RESUME

}
