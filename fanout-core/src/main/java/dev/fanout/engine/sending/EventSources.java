package dev.fanout.engine.sending;

/**
 * Who sends events, as {@link dev.fanout.spi.FanoutMetrics#eventsSent} names them.
 *
 * @since 0.1.0
 */
public final class EventSources {

	/** An {@link dev.fanout.EventSender} called by the application. */
	public static final String API = "api";

	/** The HTTP event API. */
	public static final String HTTP = "http";

	/** A step's {@code sendEvent}. */
	public static final String STEP = "step";

	/**
	 * The engine's own events: the outcomes of runs, the triggers of invoked runs and
	 * cron ticks.
	 */
	public static final String SYSTEM = "system";

	private EventSources() {
	}

}
