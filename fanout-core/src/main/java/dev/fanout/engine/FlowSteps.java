package dev.fanout.engine;

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
import dev.fanout.store.StoredStep;

/**
 * The steps that pause a run or talk to other runs: sleeps, waits for events, memoized
 * sends and invocations. A paused run gives up its thread and lease; its step row and the
 * run's due time are committed together, and the run is re-invoked when it is due or
 * something resumes it.
 */
final class FlowSteps {

	private final RunState state;

	private final RunExecutor executor;

	FlowSteps(RunState state) {
		this.state = state;
		this.executor = state.executor();
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
			return;
		}
		Instant now = this.executor.now();
		Instant due = (stored != null && stored.wakeAt() != null) ? stored.wakeAt() : dueFromNow.apply(now);
		if (!due.isAfter(now)) {
			this.state.save(row(step, StepStatus.COMPLETED, serialize(due), null, now));
			return;
		}
		// Databases keep microseconds and H2 rounds: store what a replay will read back.
		Instant wake = due.truncatedTo(ChronoUnit.MICROS);
		park(row(step, StepStatus.SLEEPING, serialize(wake), wake, null), RunStatus.SLEEPING, wake);
	}

	private String serialize(Instant due) {
		return this.executor.serializer().serialize(due.toString());
	}

	Optional<Event> waitForEvent(String id, String eventName, Duration timeout, @Nullable String match) {
		RunState.Step step = this.state.begin(id);
		StoredStep stored = step.stored();
		if (stored != null && stored.status() == StepStatus.COMPLETED) {
			return Optional.ofNullable(StoredEvents.fromJson(stored.output(), this.executor.serializer()));
		}
		Expression expression = FlowChecks.waitForEvent(id, eventName, timeout, match);
		String source = (expression != null) ? match : null;
		Instant now = this.executor.now();
		if (stored != null && stored.wakeAt() != null) {
			return waitedBefore(step, stored, now);
		}
		Instant expires = now.plus(timeout);
		StoredStep waiting = row(step, StepStatus.WAITING, null, expires, null);
		Optional<Event> found = this.executor.registerWait(this.state, waiting, eventName, source, expression);
		if (found.isPresent()) {
			return found;
		}
		throw this.state.interrupt(new Interruption.Parked(expires));
	}

	private Optional<Event> waitedBefore(RunState.Step step, StoredStep stored, Instant now) {
		if (now.isBefore(stored.wakeAt())) {
			park(stored, RunStatus.WAITING, stored.wakeAt());
		}
		StoredStep timedOut = row(step, StepStatus.COMPLETED, "null", null, now);
		StoredStep resolved = this.executor.resolveWait(this.state, timedOut);
		return Optional.ofNullable(StoredEvents.fromJson(resolved.output(), this.executor.serializer()));
	}

	SendResult sendEvent(String id, Event... events) {
		RunState.Step step = this.state.begin(id);
		StoredStep stored = step.stored();
		if (stored != null && stored.status() == StepStatus.COMPLETED) {
			return (SendResult) this.executor.serializer()
				.deserialize(String.valueOf(stored.output()), SendResult.class);
		}
		this.state.throwIfFailed(stored);
		if (events == null || events.length == 0) {
			throw new NonRetriableException("sendEvent '" + id + "' needs at least one event");
		}
		Instant startedAt = (stored != null) ? stored.startedAt() : this.executor.now();
		int attempts = ((stored != null) ? stored.attempts() : 0) + 1;
		try {
			EventPayloads.rejectReserved(List.of(events));
			return this.executor.sendInStep(this.state,
					(result) -> new StoredStep(step.key(), step.position(), StepStatus.COMPLETED, result,
							SendResult.class.getName(), null, null, attempts, null, startedAt, this.executor.now()),
					List.of(events));
		}
		catch (Interruption.Signal signal) {
			throw signal;
		}
		catch (IllegalArgumentException ex) {
			throw this.state.failed(step.key(), step.position(), startedAt, attempts,
					new NonRetriableException("sendEvent '" + id + "' was refused: " + ex.getMessage(), ex));
		}
		catch (RuntimeException ex) {
			throw this.state.failed(step.key(), step.position(), startedAt, attempts, ex);
		}
	}

	<T> T invoke(String id, String functionId, Object data, Class<T> resultType, @Nullable Duration timeout) {
		RunState.Step step = this.state.begin(id);
		StoredStep stored = step.stored();
		if (stored == null) {
			stored = startInvocation(step, functionId, data, timeout);
		}
		else if (stored.status() == StepStatus.WAITING) {
			Instant now = this.executor.now();
			if (now.isBefore(stored.wakeAt())) {
				park(stored, RunStatus.WAITING, stored.wakeAt());
			}
			StoredStep timedOut = row(step, StepStatus.FAILED, null, null, now);
			stored = this.executor.resolveWait(this.state,
					new StoredStep(timedOut.key(), timedOut.position(), StepStatus.FAILED, null, null,
							"invoke of '" + functionId + "' timed out", null, 1, null, timedOut.startedAt(), now));
		}
		this.state.throwIfFailed(stored);
		return resultType.cast(this.executor.serializer().deserialize(String.valueOf(stored.output()), resultType));
	}

	private StoredStep startInvocation(RunState.Step step, String functionId, Object data, @Nullable Duration timeout) {
		Instant now = this.executor.now();
		Duration wait = FlowChecks.invoke(step.key(), timeout);
		if (this.executor.function(functionId).isEmpty()) {
			StoredStep missing = new StoredStep(step.key(), step.position(), StepStatus.FAILED, null, null,
					"No function '" + functionId + "' to invoke in this application", null, 1, null, now, now);
			this.state.save(missing);
			throw new StepFailedException(step.key(), String.valueOf(missing.error()));
		}
		Event event = Event.of(SystemEvents.FUNCTION_INVOKED, data);
		Instant due = now.plus(wait);
		this.executor.startInvocation(this.state, row(step, StepStatus.WAITING, null, due, null), functionId, event);
		throw this.state.interrupt(new Interruption.Parked(due));
	}

	private void park(StoredStep row, RunStatus status, Instant due) {
		this.executor.park(this.state, row, status, due);
		throw this.state.interrupt(new Interruption.Parked(due));
	}

	private StoredStep row(RunState.Step step, StepStatus status, @Nullable String output, @Nullable Instant wakeAt,
			@Nullable Instant endedAt) {
		Instant startedAt = (step.stored() != null) ? step.stored().startedAt() : this.executor.now();
		return new StoredStep(step.key(), step.position(), status, output, null, null, null, 1, wakeAt, startedAt,
				endedAt);
	}

}
