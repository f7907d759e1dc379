package dev.fanout.engine.run;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.StepStatus;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.engine.sending.EventSources;
import dev.fanout.engine.sending.EventWriter;
import dev.fanout.engine.support.Errors;
import dev.fanout.engine.support.Transactions;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredStep;

/**
 * What follows the end of a run, in the transaction that ends it (which also removed its
 * matchers): the outcome event is sent to any function that subscribes, and a run that
 * invoked it is resumed with its output or its failure.
 */
public final class RunEndings {

	private final RunStore store;

	private final EventWriter sender;

	private final PayloadSerializer serializer;

	private final Clock clock;

	private final Runnable onCommit;

	/**
	 * Create the endings.
	 * @param store the store
	 * @param sender writes the outcome events
	 * @param serializer reads outputs
	 * @param clock the clock
	 * @param onCommit called after a commit that resumed an invoking run
	 */
	public RunEndings(RunStore store, EventWriter sender, PayloadSerializer serializer, Clock clock,
			Runnable onCommit) {
		this.store = store;
		this.sender = sender;
		this.serializer = serializer;
		this.clock = clock;
		this.onCommit = onCommit;
	}

	void completed(ClaimedRun run, Event trigger, String output) {
		ended(trigger, SystemEvents.FUNCTION_FINISHED, () -> SystemEvents.finished(run.functionId(), run.id(), trigger,
				this.serializer.deserialize(output, Object.class)));
		resumeParent(run, StepStatus.COMPLETED, output, null);
	}

	void failed(ClaimedRun run, Event trigger, Throwable error, String stack) {
		ended(trigger, SystemEvents.FUNCTION_FAILED,
				() -> SystemEvents.failed(run.functionId(), run.id(), trigger, error, stack));
		resumeParent(run, StepStatus.FAILED, null,
				"Invoked function '" + run.functionId() + "' (run " + run.id() + ") failed: " + Errors.describe(error));
	}

	void cancelled(ClaimedRun run, Event trigger, String reason) {
		ended(trigger, SystemEvents.FUNCTION_CANCELLED,
				() -> SystemEvents.cancelled(run.functionId(), run.id(), trigger, reason));
		resumeParent(run, StepStatus.FAILED, null,
				"Invoked function '" + run.functionId() + "' (run " + run.id() + ") was cancelled: " + reason);
	}

	/**
	 * Send the outcome event, built only when a function subscribes to it: most runs end
	 * unobserved, and building it costs the writer a serialization per run.
	 */
	private void ended(Event trigger, String outcomeName, Supplier<Event> outcome) {
		if (!SystemEvents.isOutcome(trigger.name()) && this.sender.hasTriggerFor(outcomeName)) {
			this.sender.write(List.of(outcome.get()), EventSources.SYSTEM);
		}
	}

	private void resumeParent(ClaimedRun run, StepStatus status, @Nullable String output, @Nullable String error) {
		if (run.parentRunId() == null || run.parentStepKey() == null) {
			return;
		}
		Instant now = this.clock.instant();
		StoredStep.Builder row = StoredStep.of(run.parentStepKey(), 0, now);
		StoredStep resolved = (status == StepStatus.COMPLETED) ? row.completed(output, null, now)
				: row.failed(String.valueOf(error), null, now);
		if (this.store.resolveWaitingStep(run.parentRunId(), resolved) && this.store.wake(run.parentRunId(), now)) {
			Transactions.afterCommit(this.onCommit);
		}
	}

}
