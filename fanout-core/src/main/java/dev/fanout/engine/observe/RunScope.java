package dev.fanout.engine.observe;

import java.util.Map;

import io.micrometer.observation.Observation;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import dev.fanout.store.ClaimedRun;

/**
 * A run's attempt on its thread: the MDC entries that name it while it runs, and its
 * {@code fanout.run} observation, a child of its trigger's send, found through the trace
 * context stored with the event, so that a trace follows the run across instances and
 * restarts. Closed on the thread that opened it, which it leaves without any
 * {@code fanout.*} MDC entry.
 *
 * @since 0.1.0
 */
public final class RunScope implements AutoCloseable {

	/** The MDC key of the run id. */
	public static final String MDC_RUN_ID = "fanout.runId";

	/** The MDC key of the function id. */
	public static final String MDC_FUNCTION_ID = "fanout.functionId";

	/** The MDC key of the trigger's event id. */
	public static final String MDC_EVENT_ID = "fanout.eventId";

	/** The scope of a run that is not observed: one for all, as it holds nothing. */
	private static final RunScope UNOBSERVED = new RunScope(null);

	private final @Nullable OpenObservation open;

	private RunScope(@Nullable OpenObservation open) {
		this.open = open;
	}

	static RunScope open(Telemetry telemetry, ClaimedRun run) {
		MDC.put(MDC_RUN_ID, run.id());
		MDC.put(MDC_FUNCTION_ID, run.functionId());
		MDC.put(MDC_EVENT_ID, run.event().id());
		if (telemetry.registry().isNoop()) {
			return UNOBSERVED;
		}
		ReceiverContext<Map<String, String>> context = new ReceiverContext<>((carrier, key) -> carrier.get(key));
		context.setCarrier(TraceContexts.read(run.event().traceContext()));
		Observation observation = Observation.createNotStarted("fanout.run", () -> context, telemetry.registry())
			.contextualName("fanout run " + run.functionId())
			.lowCardinalityKeyValue(Telemetry.APPLICATION_ID, telemetry.appId())
			.lowCardinalityKeyValue(Telemetry.FUNCTION_ID, run.functionId())
			.highCardinalityKeyValue(Telemetry.RUN_ID, run.id())
			.highCardinalityKeyValue(Telemetry.EVENT_ID, run.event().id())
			.highCardinalityKeyValue("fanout.run.attempt", Integer.toString(run.attempts()));
		return new RunScope(OpenObservation.start(observation));
	}

	/**
	 * Say how the attempt ended.
	 * @param outcome {@code completed}, {@code failed}, {@code retried}, {@code paused},
	 * {@code cancelled} or {@code suspended}
	 */
	public void outcome(String outcome) {
		if (this.open != null) {
			this.open.observation().lowCardinalityKeyValue("fanout.run.outcome", outcome);
		}
	}

	/**
	 * Record what the function threw.
	 * @param error the error
	 */
	public void error(Throwable error) {
		if (this.open != null) {
			this.open.observation().error(error);
		}
	}

	@Override
	public void close() {
		try {
			if (this.open != null) {
				this.open.stop();
			}
		}
		finally {
			MDC.remove(MDC_RUN_ID);
			MDC.remove(MDC_FUNCTION_ID);
			MDC.remove(MDC_EVENT_ID);
		}
	}

}
