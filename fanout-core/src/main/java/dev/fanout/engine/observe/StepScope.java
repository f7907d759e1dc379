package dev.fanout.engine.observe;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * A step's attempt on its run's thread: the step key in the MDC while its body runs, and
 * its {@code fanout.step} observation, a child of the run's. Only a step whose body runs
 * has one: a memoized step returns its stored output without.
 *
 * @since 0.1.0
 */
public final class StepScope implements AutoCloseable {

	/** The MDC key of the step key. */
	public static final String MDC_STEP = "fanout.step";

	/** The scope of a step that is not observed: one for all, as it holds nothing. */
	private static final StepScope UNOBSERVED = new StepScope(null);

	private final @Nullable OpenObservation open;

	private StepScope(@Nullable OpenObservation open) {
		this.open = open;
	}

	static StepScope open(Telemetry telemetry, String runId, String functionId, String stepKey) {
		MDC.put(MDC_STEP, stepKey);
		if (telemetry.registry().isNoop()) {
			return UNOBSERVED;
		}
		Observation observation = Observation.createNotStarted("fanout.step", telemetry.registry())
			.parentObservation(telemetry.registry().getCurrentObservation())
			.contextualName("fanout step")
			.lowCardinalityKeyValue(Telemetry.APPLICATION_ID, telemetry.appId())
			.lowCardinalityKeyValue(Telemetry.FUNCTION_ID, functionId)
			.highCardinalityKeyValue(Telemetry.RUN_ID, runId)
			.highCardinalityKeyValue("fanout.step.key", stepKey);
		return new StepScope(OpenObservation.start(observation));
	}

	/**
	 * Record what the step's body threw.
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
				Observation observation = this.open.observation();
				observation.lowCardinalityKeyValue("fanout.step.outcome",
						(observation.getContext().getError() != null) ? "error" : "success");
				this.open.stop();
			}
		}
		finally {
			MDC.remove(MDC_STEP);
		}
	}

}
