package dev.fanout.test;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.settings.Limits;
import dev.fanout.spi.PayloadSerializer;

/**
 * What one execution of {@link FunctionTester} runs with, fixed when it starts.
 *
 * @param function the function under test
 * @param events the run's events: its trigger first, then, for a batch, the others
 * @param runId the run id the function sees
 * @param mocks the step answers by step id or key
 * @param incoming events that arrive while the run goes on, for waits
 * @param serializer the JSON serializer
 * @param limits the size limits
 * @param stopAfter the step key {@code executeUntil} stops after, or {@code null}
 */
record TestSetup(FunctionDefinition function, List<Event> events, String runId, Map<String, StepAnswer> mocks,
		List<Event> incoming, PayloadSerializer serializer, Limits limits, @Nullable String stopAfter) {

	/**
	 * The run's trigger: the first of its events.
	 */
	Event event() {
		return this.events.get(0);
	}

	/**
	 * The mock of a step: one given for its key wins over one given for its id.
	 */
	@Nullable String mockFor(String id, String key) {
		if (this.mocks.containsKey(key)) {
			return key;
		}
		return this.mocks.containsKey(id) ? id : null;
	}

}
