package dev.fanout.test;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.RunContext;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepStatus;
import dev.fanout.ThrowingRunnable;
import dev.fanout.engine.Errors;
import dev.fanout.engine.StepOutputs;
import dev.fanout.engine.StepSequence;

/**
 * One invocation of the function under test: the step context and run context it gets. It
 * follows the engine's {@code RunState}, with the engine's own step keys, output round
 * trip and retry rules: completed steps return their stored output, a new step runs (or
 * its mock answers), a retryable failure ends the invocation so that the run is invoked
 * again from the top.
 */
final class TestInvocation implements StepContext, RunContext {

	private final TestSetup setup;

	private final RunMemory memory;

	private final TestFlowSteps flow;

	private final StepSequence sequence;

	private final StepOutputs outputs;

	private int attempt;

	private @Nullable Halt halt;

	TestInvocation(TestSetup setup, RunMemory memory) {
		this.setup = setup;
		this.memory = memory;
		this.attempt = memory.retryAttempt;
		this.sequence = new StepSequence(setup.limits().maxStepsPerRun());
		this.outputs = new StepOutputs(setup.serializer(), setup.limits());
		this.flow = new TestFlowSteps(this);
	}

	@Override
	public <T> T run(String id, Callable<T> fn) {
		return execute(id, null, fn);
	}

	@Override
	public <T> T run(String id, Class<T> type, Callable<T> fn) {
		if (type == null) {
			throw new IllegalArgumentException("type must not be null");
		}
		return execute(id, type, fn);
	}

	@Override
	public void run(String id, ThrowingRunnable fn) {
		execute(id, Void.class, () -> {
			fn.run();
			return null;
		});
	}

	@SuppressWarnings("unchecked")
	private <T> T execute(String id, @Nullable Type type, Callable<T> fn) {
		Step step = begin(id);
		StepRow stored = step.stored();
		if (stored != null && stored.isCompleted()) {
			return (T) settle(step, restore(stored, type));
		}
		throwIfFailed(step);
		Instant startedAt = (stored != null) ? stored.startedAt() : now();
		int attempts = ((stored != null) ? stored.attempts() : 0) + 1;
		Object value;
		this.sequence.enter(step.key());
		try {
			value = call(step, attempts, List.of(), (call) -> fn.call());
			if (type == Void.class) {
				// A step that returns nothing stores nothing, whatever its mock returned.
				value = null;
			}
		}
		catch (Halt.Signal signal) {
			throw signal;
		}
		catch (Throwable ex) {
			this.sequence.leave();
			throw failed(step, startedAt, attempts, ex);
		}
		finally {
			this.sequence.leave();
		}
		return (T) settle(step, completed(step, startedAt, attempts, type, value));
	}

	/**
	 * What every step does first, as in the engine: refuse when halted, nested or over
	 * the limit, and find the step's key, position and stored row.
	 */
	Step begin(String id) {
		if (this.halt != null) {
			throw new Halt.Signal(this.halt);
		}
		StepSequence.Next next = this.sequence.next(id);
		return new Step(id, next.key(), next.position(), this.memory.step(next.key()));
	}

	/**
	 * Call the step's mock if it has one, else {@code real}, recording the call.
	 */
	@Nullable Object call(Step step, int attempts, List<@Nullable Object> arguments, StepAnswer real) throws Exception {
		StepCall call = new StepCall(step.id(), step.key(), attempts - 1, arguments, this.setup.serializer());
		this.memory.recordCall(call);
		String mocked = this.setup.mockFor(step.id(), step.key());
		if (mocked == null) {
			return real.answer(call);
		}
		this.memory.recordMockUse(mocked);
		return this.setup.mocks().get(mocked).answer(call);
	}

	boolean isMocked(Step step) {
		return this.setup.mockFor(step.id(), step.key()) != null;
	}

	/**
	 * A step's result is about to reach the function: stop here if {@code executeUntil}
	 * asked for this step.
	 */
	@Nullable Object settle(Step step, @Nullable Object value) {
		if (step.key().equals(this.setup.stopAfter())) {
			throw interrupt(new Halt.Stopped(step.key()));
		}
		return value;
	}

	void throwIfFailed(Step step) {
		StepRow stored = step.stored();
		if (stored != null && stored.hasFailedForGood()) {
			settle(step, null);
			throw new StepFailedException(stored.key(), String.valueOf(stored.error()));
		}
	}

	private @Nullable Object completed(Step step, Instant startedAt, int attempts, @Nullable Type type,
			@Nullable Object value) {
		StepOutputs.Encoded encoded;
		try {
			encoded = this.outputs.encode(step.key(), type, value);
		}
		catch (NonRetriableException ex) {
			throw failed(step, startedAt, attempts, ex);
		}
		save(new StepRow(step.key(), step.position(), StepStatus.COMPLETED, encoded.json(), encoded.type(), null,
				attempts, null, startedAt, now()));
		this.attempt = 0;
		return encoded.restored();
	}

	/**
	 * A step attempt failed: retried (the invocation ends) while the function's retry
	 * settings allow it, else recorded as failed for good and returned as the
	 * {@link StepFailedException} to throw into the function.
	 */
	RuntimeException failed(Step step, Instant startedAt, int attempts, Throwable error) {
		Instant now = now();
		// Backoff without jitter: it only moves the virtual clock.
		Instant due = this.setup.function().retryAt(error, attempts, now, false);
		StepRow row = new StepRow(step.key(), step.position(), StepStatus.FAILED, null, null, Errors.describe(error),
				attempts, null, startedAt, (due != null) ? null : now);
		if (due == null) {
			save(row);
			settle(step, null);
			return new StepFailedException(step.key(), Errors.describe(error), error);
		}
		throw interrupt(new Halt.Retry(row, due));
	}

	private @Nullable Object restore(StepRow stored, @Nullable Type type) {
		return this.outputs.restore(stored.key(), stored.output(), stored.outputType(), type,
				this.setup.function().invoker().target().getClass().getClassLoader());
	}

	StepOutputs outputs() {
		return this.outputs;
	}

	void save(StepRow row) {
		this.memory.save(row);
	}

	Halt.Signal interrupt(Halt reason) {
		if (this.halt == null) {
			this.halt = reason;
		}
		return new Halt.Signal(this.halt);
	}

	Halt.Signal misuse(String message) {
		return interrupt(new Halt.Misuse(message));
	}

	@Nullable Halt halt() {
		return this.halt;
	}

	Instant now() {
		return this.memory.now();
	}

	TestSetup setup() {
		return this.setup;
	}

	RunMemory memory() {
		return this.memory;
	}

	@Override
	public void sleep(String id, Duration duration) {
		this.flow.sleep(id, duration);
	}

	@Override
	public void sleepUntil(String id, Instant until) {
		this.flow.sleepUntil(id, until);
	}

	@Override
	public Optional<Event> waitForEvent(String id, String event, Duration timeout, @Nullable String match) {
		return this.flow.waitForEvent(id, event, timeout, match);
	}

	@Override
	public SendResult sendEvent(String id, Event... events) {
		return this.flow.sendEvent(id, events);
	}

	@Override
	public <T> T invoke(String id, String functionId, Object data, Class<T> resultType) {
		return this.flow.invoke(id, functionId, data, resultType, null);
	}

	@Override
	public <T> T invoke(String id, String functionId, Object data, Class<T> resultType, Duration timeout) {
		return this.flow.invoke(id, functionId, data, resultType, timeout);
	}

	@Override
	public String runId() {
		return this.setup.runId();
	}

	@Override
	public String functionId() {
		return this.setup.function().id();
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	@Override
	public Event event() {
		return this.setup.event();
	}

	@Override
	public List<Event> events() {
		return List.of(this.setup.event());
	}

	/**
	 * A step about to run: its id, key, position in the run, and what is stored for it.
	 */
	record Step(String id, String key, int position, @Nullable StepRow stored) {
	}

}
