package dev.fanout.test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.SendResult;
import dev.fanout.StepStatus;
import dev.fanout.engine.Errors;
import dev.fanout.engine.EventExpressions;
import dev.fanout.engine.EventPayloads;
import dev.fanout.engine.FlowChecks;
import dev.fanout.engine.StoredEvents;
import dev.fanout.spi.PayloadSerializer;

/**
 * Sleeps, waits, sends and invokes, in memory and in virtual time, with the engine's
 * checks: a pause parks the run and the function is invoked again from the top when it is
 * due, which here is at once, with the virtual clock moved to the due time.
 */
final class TestFlowSteps {

	private static final String FUNCTION_INVOKED = "fanout/function.invoked";

	private final TestInvocation invocation;

	TestFlowSteps(TestInvocation invocation) {
		this.invocation = invocation;
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
		TestInvocation.Step step = this.invocation.begin(id);
		StepRow stored = step.stored();
		if (stored != null && stored.isCompleted()) {
			this.invocation.settle(step, null);
			return;
		}
		if (this.invocation.isMocked(step)) {
			throw this.invocation.misuse("Step '" + step.key() + "' is a sleep, which cannot be mocked: sleeps "
					+ "end at once in virtual time; use executeUntil to stop before one");
		}
		Instant now = this.invocation.now();
		Instant due = (stored != null && stored.wakeAt() != null) ? stored.wakeAt() : dueFromNow.apply(now);
		String output = serializer().serialize(due.toString());
		if (!due.isAfter(now)) {
			this.invocation.save(row(step, StepStatus.COMPLETED, output, null, now));
			this.invocation.settle(step, null);
			return;
		}
		throw park(row(step, StepStatus.SLEEPING, output, due, null), due);
	}

	Optional<Event> waitForEvent(String id, String eventName, Duration timeout, @Nullable String match) {
		TestInvocation.Step step = this.invocation.begin(id);
		StepRow stored = step.stored();
		if (stored != null && stored.isCompleted()) {
			return settledEvent(step, stored);
		}
		Expression expression = FlowChecks.waitForEvent(id, eventName, timeout, match);
		String source = (expression != null) ? match : null;
		Instant now = this.invocation.now();
		if (stored != null && stored.wakeAt() != null) {
			// Invoked again after the park: the event arrived, or the wait timed out.
			boolean timedOut = stored.output() == null;
			StepRow resolved = row(step, StepStatus.COMPLETED, timedOut ? "null" : stored.output(), null, now);
			this.invocation.save(resolved);
			return settledEvent(step, resolved);
		}
		Event arrived = arrivingEvent(step, eventName, timeout, source, expression);
		Instant expires = now.plus(timeout);
		String output = (arrived != null) ? StoredEvents.toJson(arrived, serializer()) : null;
		throw park(row(step, StepStatus.WAITING, output, expires, null), (arrived != null) ? now : expires);
	}

	/**
	 * The event that resumes a wait: the mock's answer, else the first incoming event of
	 * that name for which the match is true, else none (a timeout).
	 */
	private @Nullable Event arrivingEvent(TestInvocation.Step step, String eventName, Duration timeout,
			@Nullable String source, @Nullable Expression expression) {
		Object answer;
		try {
			answer = this.invocation.call(step, 1, Arrays.asList(eventName, timeout, source),
					(call) -> firstMatching(eventName, expression));
		}
		catch (Halt.Signal signal) {
			throw signal;
		}
		catch (Exception ex) {
			throw TestErrors.sneakyThrow(ex);
		}
		if (answer instanceof Optional<?> optional) {
			answer = optional.orElse(null);
		}
		if (answer == null) {
			return null;
		}
		if (!(answer instanceof Event event)) {
			throw this.invocation.misuse("The mock of waitForEvent '" + step.key() + "' returned a "
					+ answer.getClass().getName() + "; it must return the Event that arrives, or null for a timeout");
		}
		if (!event.name().equals(eventName)) {
			throw this.invocation.misuse("The mock of waitForEvent '" + step.key() + "' returned an event named '"
					+ event.name() + "', but the wait is for '" + eventName + "': that event would not resume it");
		}
		if (expression != null && !matches(expression, event)) {
			throw this.invocation
				.misuse("The mock of waitForEvent '" + step.key() + "' returned " + event + " with data " + event.data()
						+ ", for which the match '" + source + "' is false: that event would not resume it");
		}
		return event;
	}

	private @Nullable Event firstMatching(String eventName, @Nullable Expression expression) {
		for (Event candidate : this.invocation.setup().incoming()) {
			if (candidate.name().equals(eventName) && (expression == null || matches(expression, candidate))) {
				return candidate;
			}
		}
		return null;
	}

	private boolean matches(Expression expression, Event candidate) {
		return EventExpressions.isTrue(expression, Map.of("event", EventExpressions.asMap(this.invocation.event()),
				"async", EventExpressions.asMap(candidate)));
	}

	private Optional<Event> settledEvent(TestInvocation.Step step, StepRow stored) {
		Event event = StoredEvents.fromJson(stored.output(), serializer());
		this.invocation.settle(step, event);
		return Optional.ofNullable(event);
	}

	SendResult sendEvent(String id, Event... events) {
		TestInvocation.Step step = this.invocation.begin(id);
		StepRow stored = step.stored();
		if (stored != null && stored.isCompleted()) {
			SendResult result = (SendResult) serializer().deserialize(String.valueOf(stored.output()),
					SendResult.class);
			return (SendResult) this.invocation.settle(step, result);
		}
		this.invocation.throwIfFailed(step);
		if (events == null || events.length == 0) {
			throw new NonRetriableException("sendEvent '" + id + "' needs at least one event");
		}
		Instant startedAt = (stored != null) ? stored.startedAt() : this.invocation.now();
		int attempts = ((stored != null) ? stored.attempts() : 0) + 1;
		List<Event> sent = List.of(events);
		SendResult result;
		try {
			new EventPayloads(this.invocation.setup().limits(), serializer()).forSend(sent);
			Object answer = this.invocation.call(step, attempts, new ArrayList<>(sent), (call) -> null);
			result = (answer != null) ? (SendResult) answer
					: new SendResult(sent.stream().map(Event::id).toList(), List.of());
		}
		catch (Halt.Signal signal) {
			throw signal;
		}
		catch (IllegalArgumentException ex) {
			throw this.invocation.failed(step, startedAt, attempts,
					new NonRetriableException("sendEvent '" + id + "' was refused: " + ex.getMessage(), ex));
		}
		catch (Exception ex) {
			throw this.invocation.failed(step, startedAt, attempts, ex);
		}
		this.invocation
			.save(new StepRow(step.key(), step.position(), StepStatus.COMPLETED, serializer().serialize(result),
					SendResult.class.getName(), null, attempts, null, startedAt, this.invocation.now()));
		this.invocation.memory().recordSent(sent);
		return (SendResult) this.invocation.settle(step, result);
	}

	<T> T invoke(String id, String functionId, Object data, Class<T> resultType, @Nullable Duration timeout) {
		TestInvocation.Step step = this.invocation.begin(id);
		StepRow stored = step.stored();
		if (stored == null) {
			throw startInvocation(step, functionId, data, timeout);
		}
		this.invocation.throwIfFailed(step);
		T result = resultType.cast(serializer().deserialize(String.valueOf(stored.output()), resultType));
		this.invocation.settle(step, result);
		return result;
	}

	/**
	 * Ask the mock for the invoked function's outcome and park the run; the next
	 * invocation finds the step completed or failed, as the engine's does once the child
	 * run ends. The step is never retried: the invoked function has used its own retries.
	 */
	private Halt.Signal startInvocation(TestInvocation.Step step, String functionId, Object data,
			@Nullable Duration timeout) {
		Instant now = this.invocation.now();
		FlowChecks.invoke(step.key(), timeout);
		if (!this.invocation.isMocked(step)) {
			throw this.invocation.misuse("Step '" + step.key() + "' invokes function '" + functionId
					+ "', which FunctionTester does not run: mock its result with mockStep(\"" + step.id()
					+ "\", result), or make the mock throw to simulate its failure");
		}
		Event event = Event.of(FUNCTION_INVOKED, data);
		StepRow outcome;
		try {
			Object output = this.invocation.call(step, 1, Arrays.asList(functionId, event.data(), timeout),
					(call) -> null);
			outcome = row(step, StepStatus.COMPLETED, serializer().serialize(output), null, now);
		}
		catch (Halt.Signal signal) {
			throw signal;
		}
		catch (Throwable ex) {
			outcome = new StepRow(step.key(), step.position(), StepStatus.FAILED, null, null,
					"Invoked function '" + functionId + "' (mocked) failed: " + Errors.describe(ex), 1, null, now, now);
		}
		return park(outcome, now);
	}

	private Halt.Signal park(StepRow row, Instant due) {
		this.invocation.save(row);
		return this.invocation.interrupt(new Halt.Parked(due));
	}

	private StepRow row(TestInvocation.Step step, StepStatus status, @Nullable String output, @Nullable Instant wakeAt,
			@Nullable Instant endedAt) {
		Instant startedAt = (step.stored() != null) ? step.stored().startedAt() : this.invocation.now();
		return new StepRow(step.key(), step.position(), status, output, null, null, 1, wakeAt, startedAt, endedAt);
	}

	private PayloadSerializer serializer() {
		return this.invocation.setup().serializer();
	}

}
