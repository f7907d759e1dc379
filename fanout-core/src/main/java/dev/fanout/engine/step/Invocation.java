package dev.fanout.engine.step;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.function.FunctionInvoker;

/**
 * One invocation of a run's function, over a journal: the one way the engine and the test
 * kit call a function, so that both give its steps the same semantics.
 *
 * @param runId the run id the function sees
 * @param function the function
 * @param events the run's events: its trigger first, then, for a batch, the others
 * @param attempt the zero-based attempt the invocation starts with
 * @param outputs how step outputs are stored and restored
 * @since 0.1.0
 */
public record Invocation(String runId, FunctionDefinition function, List<Event> events, int attempt,
		StepOutputs outputs) {

	public Invocation {
		if (events.isEmpty()) {
			throw new IllegalArgumentException("A run has at least its trigger");
		}
		events = List.copyOf(events);
	}

	/**
	 * The run's trigger.
	 * @return the first of its events
	 */
	public Event event() {
		return this.events.get(0);
	}

	/**
	 * Invoke the function once.
	 * @param journal where the run's state lives
	 * @return what the function returned or threw, and why it stopped early if it did
	 */
	public Outcome invoke(RunJournal journal) {
		if (this.function.invoker() instanceof JournalDriven driven) {
			return driven.invoke(this, journal);
		}
		RunState state = new RunState(this, journal);
		Object result = null;
		Throwable failure = null;
		try {
			result = ((FunctionInvoker) this.function.invoker()).invoke(state, state);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		return new Outcome(result, failure, state.interruption());
	}

	/**
	 * How an invocation ended. When it was interrupted, the interruption says what to do
	 * and the rest does not count, even if the function caught the signal and returned.
	 *
	 * @param result what the function returned
	 * @param failure what the function threw, or {@code null}
	 * @param interruption why it stopped early, or {@code null}
	 */
	public record Outcome(@Nullable Object result, @Nullable Throwable failure, @Nullable Interruption interruption) {
	}

}
