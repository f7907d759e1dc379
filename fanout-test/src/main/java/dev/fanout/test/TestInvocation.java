package dev.fanout.test;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.RetryAfterException;
import dev.fanout.RunContext;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepStatus;
import dev.fanout.ThrowingRunnable;
import dev.fanout.engine.FunctionDefinition;

/**
 * One invocation of the function under test: the step context and run context it gets.
 * Mirrors the engine's {@code RunState}: completed steps return their stored output, a
 * new step runs (or its mock answers) and its output makes the JSON round trip, a
 * retryable failure ends the invocation so that the run is invoked again from the top.
 */
final class TestInvocation implements StepContext, RunContext {

	private final TestSetup setup;

	private final RunMemory memory;

	private final TestFlowSteps flow;

	private final Map<String, Integer> repeats = new HashMap<>();

	private int position;

	private int attempt;

	private @Nullable String currentStep;

	private @Nullable Halt halt;

	TestInvocation(TestSetup setup, RunMemory memory) {
		this.setup = setup;
		this.memory = memory;
		this.attempt = memory.retryAttempt;
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
		this.currentStep = step.key();
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
			this.currentStep = null;
			throw failed(step, startedAt, attempts, ex);
		}
		finally {
			this.currentStep = null;
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
		if (!StringUtils.hasText(id) || id.length() > 200 || id.indexOf('\0') >= 0) {
			throw new NonRetriableException(
					"A step id must be 1 to 200 characters without NUL, not '" + id.replace('\0', '?') + "'");
		}
		if (this.currentStep != null) {
			throw new NonRetriableException("Step '" + id + "' was called inside step '" + this.currentStep
					+ "': steps cannot be nested; call them one after the other in the function");
		}
		int repeat = this.repeats.merge(id, 1, Integer::sum) - 1;
		String key = (repeat == 0) ? id : id + ":" + repeat;
		int stepPosition = this.position++;
		int maxSteps = this.setup.limits().maxStepsPerRun();
		if (stepPosition >= maxSteps) {
			throw new NonRetriableException(
					"Run has more than " + maxSteps + " steps, the limit (fanout.limits.max-steps-per-run)");
		}
		return new Step(id, key, stepPosition, this.memory.step(key));
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
		String json;
		Object restored;
		try {
			json = this.setup.serializer().serialize(value);
			long size = json.getBytes(StandardCharsets.UTF_8).length;
			long max = this.setup.limits().maxStepOutputSize();
			if (size > max) {
				throw new IllegalArgumentException("it is " + size + " bytes, over the limit of " + max
						+ " bytes (fanout.limits.max-step-output-size)");
			}
			restored = (value == null || type == Void.class) ? null
					: this.setup.serializer().deserialize(json, (type != null) ? type : storedType(value));
		}
		catch (IllegalArgumentException ex) {
			throw failed(step, startedAt, attempts, new NonRetriableException(
					"Output of step '" + step.key() + "' cannot be stored and restored as JSON: " + ex.getMessage(),
					ex));
		}
		String outputType = (value != null) ? storedType(value).getName() : null;
		save(new StepRow(step.key(), step.position(), StepStatus.COMPLETED, json, outputType, null, attempts, null,
				startedAt, now()));
		this.attempt = 0;
		return restored;
	}

	/**
	 * A step attempt failed: retried (the invocation ends) while the function's retry
	 * settings allow it, else recorded as failed for good and returned as the
	 * {@link StepFailedException} to throw into the function.
	 */
	RuntimeException failed(Step step, Instant startedAt, int attempts, Throwable error) {
		FunctionDefinition function = this.setup.function();
		Instant now = now();
		boolean retryable = function.retryable().classify(error) && attempts <= function.retries();
		StepRow row = new StepRow(step.key(), step.position(), StepStatus.FAILED, null, null,
				TestErrors.describe(error), attempts, null, startedAt, retryable ? null : now);
		if (!retryable) {
			save(row);
			settle(step, null);
			return new StepFailedException(step.key(), TestErrors.describe(error), error);
		}
		RetryAfterException retryAfter = TestErrors.retryAfter(error);
		Instant due = (retryAfter != null) ? retryAfter.retryAt(now)
				: now.plus(TestRunner.delay(function.backoff(), attempts));
		throw interrupt(new Halt.Retry(row, due));
	}

	/**
	 * The type a step output is restored as, as in the engine: its class, but the
	 * collection interface for collections.
	 */
	static Class<?> storedType(Object value) {
		for (Class<?> type : new Class<?>[] { List.class, Set.class, Map.class, Collection.class }) {
			if (type.isInstance(value)) {
				return type;
			}
		}
		return value.getClass();
	}

	private @Nullable Object restore(StepRow stored, @Nullable Type type) {
		if (stored.output() == null || stored.outputType() == null || type == Void.class) {
			return null;
		}
		Type target = type;
		if (target == null) {
			ClassLoader loader = this.setup.function().invoker().target().getClass().getClassLoader();
			try {
				target = ClassUtils.forName(stored.outputType(), loader);
			}
			catch (ClassNotFoundException | LinkageError ex) {
				throw new NonRetriableException("Stored output of step '" + stored.key() + "' has type "
						+ stored.outputType() + ", which cannot be loaded; pass the type with run(id, type, fn)", ex);
			}
		}
		return this.setup.serializer().deserialize(stored.output(), target);
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
