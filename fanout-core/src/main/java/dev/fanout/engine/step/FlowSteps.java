package dev.fanout.engine.step;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepFailedException;
import dev.fanout.StepStatus;
import dev.fanout.engine.event.EventPayloads;
import dev.fanout.engine.event.StoredEvents;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.StoredStep;

/**
 * The steps that pause a run or talk to other runs: sleeps, waits for events, memoized
 * sends and invocations. A paused run gives up its thread; its step and its due time are
 * recorded together, and the run is invoked again when it is due or something resumes it.
 */
final class FlowSteps {

	private final RunState state;

	private final RunJournal journal;

	private final PayloadSerializer serializer;

	FlowSteps(RunState state, RunJournal journal, PayloadSerializer serializer) {
		this.state = state;
		this.journal = journal;
		this.serializer = serializer;
	}

	void sleep(String id, Duration duration) {
		FlowChecks.sleep(id, duration);
		sleeping(id, (now) -> now.plus(duration));
	}

	void sleepUntil(String id, Instant until) {
		sleeping(id, (now) -> {
			FlowChecks.sleepUntil(id, until, now);
			return until;
		});
	}

	private void sleeping(String id, UnaryOperator<Instant> dueFromNow) {
		RunState.Step step = this.state.begin(id);
		StoredStep stored = step.stored();
		if (stored != null && stored.status() == StepStatus.COMPLETED) {
			this.state.reached(step, null);
			return;
		}
		Instant now = this.journal.now();
		Instant due = (stored != null && stored.wakeAt() != null) ? stored.wakeAt() : dueFromNow.apply(now);
		if (!due.isAfter(now)) {
			this.state.save(row(step, now).completed(serialize(due), null, now));
			this.state.reached(step, null);
			return;
		}
		// Databases keep microseconds and H2 rounds: store what a replay will read back.
		Instant wake = due.truncatedTo(ChronoUnit.MICROS);
		park(step, row(step, now).sleeping(serialize(wake), wake), RunStatus.SLEEPING, wake);
	}

	private String serialize(Instant due) {
		return this.serializer.serialize(due.toString());
	}

	Optional<Event> waitForEvent(String id, String eventName, Duration timeout, @Nullable String match) {
		RunState.Step step = this.state.begin(id);
		StoredStep stored = step.stored();
		if (stored != null && stored.status() == StepStatus.COMPLETED) {
			return this.state.reached(step, Optional.ofNullable(received(stored)));
		}
		Expression expression = FlowChecks.waitForEvent(id, eventName, timeout, match);
		Instant now = this.journal.now();
		if (stored != null && stored.wakeAt() != null) {
			StoredStep resolved = waitedBefore(step, stored, row(step, now).completed("null", null, now));
			return this.state.reached(step, Optional.ofNullable(received(resolved)));
		}
		RunJournal.WaitFor wait = new RunJournal.WaitFor(eventName, timeout, (expression != null) ? match : null,
				expression);
		StoredStep waiting = row(step, now).waiting(now.plus(timeout));
		RunJournal.Waited waited = this.state.write(() -> this.journal.registerWait(step.ref(), waiting, wait));
		if (waited.event() != null) {
			return this.state.reached(step, Optional.of(waited.event()));
		}
		throw this.state.interrupt(new Interruption.Parked(requireDue(waited.dueAt())));
	}

	private @Nullable Event received(StoredStep step) {
		return StoredEvents.fromJson(step.output(), this.serializer);
	}

	/**
	 * A step that waited before and is invoked again: still waiting, it parks the run
	 * again; past its timeout, it ends as timed out unless something ended it first.
	 */
	private StoredStep waitedBefore(RunState.Step step, StoredStep stored, StoredStep timedOut) {
		Instant wakeAt = requireDue(stored.wakeAt());
		if (this.journal.now().isBefore(wakeAt)) {
			park(step, stored, RunStatus.WAITING, wakeAt);
		}
		return this.state.write(() -> this.journal.resolveWait(timedOut));
	}

	SendResult sendEvent(String id, Event... events) {
		RunState.Step step = this.state.begin(id);
		StoredStep stored = step.stored();
		if (stored != null && stored.status() == StepStatus.COMPLETED) {
			return this.state.reached(step,
					(SendResult) this.serializer.deserialize(String.valueOf(stored.output()), SendResult.class));
		}
		this.state.throwIfFailed(step);
		if (events == null || events.length == 0) {
			throw new NonRetriableException("sendEvent '" + id + "' needs at least one event");
		}
		Instant startedAt = step.startedAt(this.journal.now());
		int attempts = step.attempts() + 1;
		try {
			EventPayloads.rejectReserved(List.of(events));
			SendResult sent = this.state.write(() -> this.journal.send(step.ref(), attempts - 1, List.of(events),
					(result) -> StoredStep.of(step.key(), step.position(), startedAt)
						.attempts(attempts)
						.completed(this.serializer.serialize(result), SendResult.class.getName(), this.journal.now())));
			return this.state.reached(step, sent);
		}
		catch (Interruption.Signal signal) {
			throw signal;
		}
		catch (IllegalArgumentException ex) {
			throw this.state.failed(step, startedAt, attempts,
					new NonRetriableException("sendEvent '" + id + "' was refused: " + ex.getMessage(), ex));
		}
		catch (Exception ex) {
			throw this.state.failed(step, startedAt, attempts, ex);
		}
	}

	<T> T invoke(String id, String functionId, Object data, Class<T> resultType, @Nullable Duration timeout) {
		RunState.Step step = this.state.begin(id);
		StoredStep stored = step.stored();
		if (stored == null) {
			throw startInvocation(step, functionId, data, timeout);
		}
		if (stored.status() == StepStatus.WAITING) {
			Instant now = this.journal.now();
			stored = waitedBefore(step, stored,
					row(step, now).failed("invoke of '" + functionId + "' timed out", null, now));
		}
		this.state.throwIfFailed(new RunState.Step(step.ref(), stored));
		return this.state.reached(step,
				resultType.cast(this.serializer.deserialize(String.valueOf(stored.output()), resultType)));
	}

	private Interruption.Signal startInvocation(RunState.Step step, String functionId, Object data,
			@Nullable Duration timeout) {
		Instant now = this.journal.now();
		Duration wait = FlowChecks.invoke(step.key(), timeout);
		if (!this.journal.hasFunction(functionId)) {
			StoredStep missing = row(step, now).failed(
					"No function '" + functionId + "' to invoke, in this application or another on its database", null,
					now);
			this.state.save(missing);
			this.state.reached(step, null);
			throw new StepFailedException(step.key(), String.valueOf(missing.error()));
		}
		Event trigger = Event.of(SystemEvents.FUNCTION_INVOKED, data);
		StoredStep waiting = row(step, now).waiting(now.plus(wait));
		Instant due = this.state
			.write(() -> this.journal.startInvocation(step.ref(), waiting, functionId, trigger, timeout));
		return this.state.interrupt(new Interruption.Parked(due));
	}

	private void park(RunState.Step step, StoredStep row, RunStatus status, Instant due) {
		this.state.write(() -> this.journal.park(step.ref(), row, status, due));
		throw this.state.interrupt(new Interruption.Parked(due));
	}

	private static StoredStep.Builder row(RunState.Step step, Instant now) {
		return StoredStep.of(step.key(), step.position(), step.startedAt(now));
	}

	private static Instant requireDue(@Nullable Instant due) {
		if (due == null) {
			throw new IllegalStateException("A parked step has no due time");
		}
		return due;
	}

}
