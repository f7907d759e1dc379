package dev.fanout.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

import dev.fanout.Event;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepStatus;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.event.EventPayloads;
import dev.fanout.engine.event.StoredEvents;
import dev.fanout.engine.step.Interruption;
import dev.fanout.engine.step.Refusal;
import dev.fanout.engine.step.RunJournal;
import dev.fanout.engine.step.StepRef;
import dev.fanout.engine.support.Errors;
import dev.fanout.store.StoredStep;

/**
 * The journal of the run under test, in memory and in virtual time. The engine's step
 * code runs over it; where the engine would wait for the world, this journal asks the
 * test: a step's mock answers for its body, a wait receives a mocked or incoming event
 * (or times out), an invoke receives its mocked outcome, and the run is due again at once
 * with the clock moved to the due time.
 */
final class MemoryJournal implements RunJournal {

	private final TestSetup setup;

	private final RunMemory memory;

	MemoryJournal(TestSetup setup, RunMemory memory) {
		this.setup = setup;
		this.memory = memory;
	}

	@Override
	public Instant now() {
		return this.memory.now();
	}

	/**
	 * Call the step's mock if it has one, else its body, recording the call.
	 */
	@Override
	public @Nullable Object call(StepRef step, int attempt, List<@Nullable Object> arguments, Callable<?> body)
			throws Exception {
		StepCall call = new StepCall(step.id(), step.key(), attempt, arguments, this.setup.serializer());
		this.memory.recordCall(call);
		String mocked = this.setup.mockFor(step.id(), step.key());
		if (mocked == null) {
			return body.call();
		}
		this.memory.recordMockUse(mocked);
		return this.setup.mocks().get(mocked).answer(call);
	}

	@Override
	public @Nullable StoredStep step(String key) {
		return this.memory.step(key);
	}

	@Override
	public List<StoredStep> steps() {
		return this.memory.steps();
	}

	/**
	 * Stop here if {@code executeUntil} asked for this step.
	 */
	@Override
	public void reached(StepRef step) {
		if (step.key().equals(this.setup.stopAfter())) {
			this.memory.stoppedAt = step.key();
			throw new Refusal(new Interruption.Suspend());
		}
	}

	@Override
	public void save(StoredStep step) {
		this.memory.save(step);
	}

	@Override
	public void park(StepRef ref, StoredStep step, RunStatus status, Instant due) {
		if (status == RunStatus.SLEEPING && isMocked(ref)) {
			throw misuse("Step '" + ref.key() + "' is a sleep, which cannot be mocked: sleeps end at once in "
					+ "virtual time; use executeUntil to stop before one");
		}
		this.memory.save(step);
	}

	/**
	 * The event that resumes a wait is the mock's answer, else the first incoming event
	 * of that name for which the match is true, else none (a timeout). As for an event
	 * that arrives after a wait registered, the step completes with the event and the run
	 * is due at once.
	 */
	@Override
	public Waited registerWait(StepRef ref, StoredStep waiting, WaitFor wait) {
		Event arrived = arrivingEvent(ref, wait);
		if (arrived == null) {
			this.memory.save(waiting);
			return Waited.parked(requireDue(waiting));
		}
		this.memory.save(StoredStep.of(ref.key(), ref.position(), waiting.startedAt())
			.completed(StoredEvents.toJson(arrived, this.setup.serializer()), StoredEvents.OUTPUT_TYPE, now()));
		return Waited.parked(now());
	}

	private @Nullable Event arrivingEvent(StepRef ref, WaitFor wait) {
		Object answer = answer(ref, 0, Arrays.asList(wait.eventName(), wait.timeout(), wait.match()),
				() -> firstMatching(wait.eventName(), wait.expression()));
		if (answer instanceof Optional<?> optional) {
			answer = optional.orElse(null);
		}
		if (answer == null) {
			return null;
		}
		String mockOf = "The mock of waitForEvent '" + ref.key() + "' returned ";
		if (!(answer instanceof Event event)) {
			throw misuse(mockOf + "a " + answer.getClass().getName()
					+ "; it must return the Event that arrives, or null for a timeout");
		}
		if (!event.name().equals(wait.eventName())) {
			throw misuse(mockOf + "an event named '" + event.name() + "', but the wait is for '" + wait.eventName()
					+ "': that event would not resume it");
		}
		if (wait.expression() != null && !matches(wait.expression(), event)) {
			throw misuse(mockOf + event + " with data " + event.data() + ", for which the match '" + wait.match()
					+ "' is false: that event would not resume it");
		}
		return event;
	}

	private @Nullable Event firstMatching(String eventName, @Nullable Expression expression) {
		for (Event candidate : this.setup.incoming()) {
			if (candidate.name().equals(eventName) && (expression == null || matches(expression, candidate))) {
				return candidate;
			}
		}
		return null;
	}

	private boolean matches(Expression expression, Event candidate) {
		return EventExpressions.isTrue(expression, Map.of("event", EventExpressions.asMap(this.setup.event()), "async",
				EventExpressions.asMap(candidate)));
	}

	@Override
	public StoredStep resolveWait(StoredStep timedOut) {
		StoredStep current = this.memory.step(timedOut.key());
		if (current == null || current.status() == StepStatus.WAITING) {
			this.memory.save(timedOut);
		}
		return requireStep(timedOut.key());
	}

	/**
	 * Check the events as a send would, and answer with the mock's result, or with their
	 * ids and no runs.
	 */
	@Override
	public SendResult send(StepRef ref, int attempt, List<Event> events, Function<SendResult, StoredStep> row) {
		new EventPayloads(this.setup.limits(), this.setup.serializer(), Clock.fixed(now(), ZoneOffset.UTC))
			.forSend(events);
		Object answer = answer(ref, attempt, new ArrayList<>(events), () -> null);
		SendResult result = (answer != null) ? (SendResult) answer
				: new SendResult(events.stream().map(Event::id).toList(), List.of());
		this.memory.save(row.apply(result));
		this.memory.recordSent(events);
		return result;
	}

	/**
	 * The tester runs no other function: the invoked one's outcome is the mock's.
	 */
	@Override
	public boolean hasFunction(String functionId) {
		return true;
	}

	/**
	 * Ask the mock for the invoked function's outcome: the next invocation finds the step
	 * completed or failed, as the engine's does once the child run ends. The step is
	 * never retried: the invoked function has used its own retries.
	 */
	@Override
	public Instant startInvocation(StepRef ref, StoredStep waiting, String functionId, Event trigger,
			@Nullable Duration timeout) {
		if (!isMocked(ref)) {
			throw misuse("Step '" + ref.key() + "' invokes function '" + functionId
					+ "', which FunctionTester does not run: mock its result with mockStep(\"" + ref.id()
					+ "\", result), or make the mock throw to simulate its failure");
		}
		StoredStep.Builder row = StoredStep.of(ref.key(), ref.position(), now());
		StoredStep outcome;
		try {
			Object output = call(ref, 0, Arrays.asList(functionId, trigger.data(), timeout), () -> null);
			outcome = row.completed(this.setup.serializer().serialize(output), null, now());
		}
		catch (Refusal refusal) {
			throw refusal;
		}
		catch (Throwable ex) {
			outcome = row.failed("Invoked function '" + functionId + "' (mocked) failed: " + Errors.describe(ex), null,
					now());
		}
		this.memory.save(outcome);
		return now();
	}

	/**
	 * Call a step's mock or body where no checked exception may leave: it reaches the
	 * function as the very exception thrown.
	 */
	private @Nullable Object answer(StepRef ref, int attempt, List<@Nullable Object> arguments, Callable<?> body) {
		try {
			return call(ref, attempt, arguments, body);
		}
		catch (Exception ex) {
			throw TestErrors.sneakyThrow(ex);
		}
	}

	private boolean isMocked(StepRef ref) {
		return this.setup.mockFor(ref.id(), ref.key()) != null;
	}

	private Refusal misuse(String message) {
		if (this.memory.misuse == null) {
			this.memory.misuse = message;
		}
		return new Refusal(new Interruption.Suspend());
	}

	private StoredStep requireStep(String key) {
		StoredStep step = this.memory.step(key);
		if (step == null) {
			throw new IllegalStateException("No step '" + key + "'");
		}
		return step;
	}

	private static Instant requireDue(StoredStep step) {
		if (step.wakeAt() == null) {
			throw new IllegalStateException("Step '" + step.key() + "' has no due time");
		}
		return step.wakeAt();
	}

}
