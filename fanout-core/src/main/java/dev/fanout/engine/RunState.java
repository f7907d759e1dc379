package dev.fanout.engine;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.StoredStep;

/**
 * One invocation of a run: the step context and run context handed to the function.
 * Completed steps return their stored output; a new step runs, and its output is
 * committed before it returns. Confined to the invocation's thread.
 */
final class RunState implements StepContext, RunContext {

	private final ClaimedRun run;

	private final FunctionDefinition function;

	private final Event event;

	private final RunExecutor executor;

	private final Map<String, StoredStep> steps = new HashMap<>();

	private final Map<String, Integer> repeats = new HashMap<>();

	private int position;

	private int attempt;

	private @Nullable String currentStep;

	private @Nullable Interruption interruption;

	private final FlowSteps flow;

	RunState(ClaimedRun run, FunctionDefinition function, Event event, List<StoredStep> stored, RunExecutor executor) {
		this.run = run;
		this.function = function;
		this.event = event;
		this.executor = executor;
		this.attempt = run.retryAttempt();
		this.flow = new FlowSteps(this);
		stored.forEach((step) -> this.steps.put(step.key(), step));
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
		StoredStep stored = step.stored();
		if (stored != null && stored.status() == StepStatus.COMPLETED) {
			return (T) restore(stored, type);
		}
		throwIfFailed(stored);
		Instant startedAt = (stored != null) ? stored.startedAt() : this.executor.now();
		int attempts = ((stored != null) ? stored.attempts() : 0) + 1;
		Object value;
		this.currentStep = step.key();
		try {
			value = fn.call();
		}
		catch (Interruption.Signal signal) {
			throw signal;
		}
		catch (Throwable ex) {
			this.currentStep = null;
			throw failed(step.key(), step.position(), startedAt, attempts, ex);
		}
		finally {
			this.currentStep = null;
		}
		return (T) completed(step.key(), step.position(), startedAt, attempts, type, value);
	}

	/**
	 * What every step does first: refuse when interrupted, nested or over the limit, and
	 * find the step's key, position and stored row.
	 */
	Step begin(String id) {
		if (this.interruption != null) {
			throw new Interruption.Signal(this.interruption);
		}
		if (!StringUtils.hasText(id) || id.length() > 200 || id.indexOf('\0') >= 0) {
			throw new NonRetriableException(
					"A step id must be 1 to 200 characters without NUL, not '" + id.replace('\0', '?') + "'");
		}
		if (this.currentStep != null) {
			throw new NonRetriableException("Step '" + id + "' was called inside step '" + this.currentStep
					+ "': steps cannot be nested; call them one after the other in the function");
		}
		String key = keyFor(id);
		int stepPosition = this.position++;
		int maxSteps = this.executor.limits().maxStepsPerRun();
		if (stepPosition >= maxSteps) {
			throw new NonRetriableException(
					"Run has more than " + maxSteps + " steps, the limit (fanout.limits.max-steps-per-run)");
		}
		StoredStep stored = this.steps.get(key);
		boolean done = stored != null && (stored.status() == StepStatus.COMPLETED || stored.endedAt() != null);
		if (!done) {
			if (this.executor.isStopping()) {
				throw interrupt(new Interruption.Suspend());
			}
			if (this.executor.isCancelMarked(this.run.id())) {
				throw interrupt(new Interruption.Cancelled(null));
			}
		}
		return new Step(key, stepPosition, stored);
	}

	void throwIfFailed(@Nullable StoredStep stored) {
		if (stored != null && stored.status() == StepStatus.FAILED && stored.endedAt() != null) {
			throw new StepFailedException(stored.key(), String.valueOf(stored.error()));
		}
	}

	private String keyFor(String id) {
		int repeat = this.repeats.merge(id, 1, Integer::sum) - 1;
		return (repeat == 0) ? id : id + ":" + repeat;
	}

	private @Nullable Object completed(String key, int stepPosition, Instant startedAt, int attempts,
			@Nullable Type type, @Nullable Object value) {
		String json;
		Object restored;
		try {
			json = this.executor.serializer().serialize(value);
			long size = json.getBytes(StandardCharsets.UTF_8).length;
			long max = this.executor.limits().maxStepOutputSize();
			if (size > max) {
				throw new IllegalArgumentException("it is " + size + " bytes, over the limit of " + max
						+ " bytes (fanout.limits.max-step-output-size)");
			}
			restored = (value == null || type == Void.class) ? null
					: this.executor.serializer().deserialize(json, (type != null) ? type : storedType(value));
		}
		catch (IllegalArgumentException ex) {
			throw failed(key, stepPosition, startedAt, attempts, new NonRetriableException(
					"Output of step '" + key + "' cannot be stored and restored as JSON: " + ex.getMessage(), ex));
		}
		String outputType = (value != null) ? storedType(value).getName() : null;
		StoredStep row = new StoredStep(key, stepPosition, StepStatus.COMPLETED, json, outputType, null, null, attempts,
				null, startedAt, this.executor.now());
		save(row);
		this.attempt = 0;
		return restored;
	}

	RuntimeException failed(String key, int stepPosition, Instant startedAt, int attempts, Throwable error) {
		if (this.executor.isStopping()
				&& (error instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
			throw interrupt(new Interruption.Suspend());
		}
		Instant now = this.executor.now();
		boolean retryable = this.function.retryable().classify(error) && attempts <= this.function.retries();
		StoredStep row = new StoredStep(key, stepPosition, StepStatus.FAILED, null, null, Errors.describe(error),
				Errors.stack(error), attempts, null, startedAt, retryable ? null : now);
		if (!retryable) {
			save(row);
			return new StepFailedException(key, Errors.describe(error), error);
		}
		RetryAfterException retryAfter = Errors.retryAfter(error);
		Instant due = (retryAfter != null) ? retryAfter.retryAt(now)
				: now.plus(this.function.backoff().delay(attempts));
		throw interrupt(new Interruption.RetryStep(row, due));
	}

	/**
	 * The type a step output is restored as: its class, but the collection interface for
	 * collections, since {@code List.of(..)} and friends have no public class to rebuild.
	 */
	private static Class<?> storedType(Object value) {
		for (Class<?> type : new Class<?>[] { List.class, Set.class, Map.class, Collection.class }) {
			if (type.isInstance(value)) {
				return type;
			}
		}
		return value.getClass();
	}

	void save(StoredStep row) {
		if (!this.executor.saveStep(this.run.id(), row)) {
			Interruption reason = this.executor.lostOrCancelled(this.run.id());
			if (reason instanceof Interruption.Cancelled && row.status() == StepStatus.COMPLETED) {
				// The step finished before the cancellation could stop the run: keep its
				// output, so that a resumed replay does not repeat its work.
				this.executor.saveStepOfCancellingRun(this.run.id(), row);
			}
			throw interrupt(reason);
		}
		remember(row);
	}

	void remember(StoredStep row) {
		this.steps.put(row.key(), row);
	}

	/**
	 * The ids of the events this run's waits received so far.
	 */
	Set<String> receivedEventIds() {
		Set<String> ids = new HashSet<>();
		for (StoredStep step : this.steps.values()) {
			if (step.status() == StepStatus.COMPLETED && StoredEvents.OUTPUT_TYPE.equals(step.outputType())) {
				Event received = StoredEvents.fromJson(step.output(), this.executor.serializer());
				if (received != null) {
					ids.add(received.id());
				}
			}
		}
		return ids;
	}

	private @Nullable Object restore(StoredStep stored, @Nullable Type type) {
		if (stored.output() == null || stored.outputType() == null || type == Void.class) {
			return null;
		}
		Type target = type;
		if (target == null) {
			ClassLoader loader = this.function.invoker().target().getClass().getClassLoader();
			try {
				target = ClassUtils.forName(stored.outputType(), loader);
			}
			catch (ClassNotFoundException | LinkageError ex) {
				throw new NonRetriableException("Stored output of step '" + stored.key() + "' has type "
						+ stored.outputType() + ", which cannot be loaded; pass the type with run(id, type, fn)", ex);
			}
		}
		return this.executor.serializer().deserialize(stored.output(), target);
	}

	Interruption.Signal interrupt(Interruption reason) {
		this.interruption = reason;
		return new Interruption.Signal(reason);
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

	ClaimedRun claimedRun() {
		return this.run;
	}

	RunExecutor executor() {
		return this.executor;
	}

	@Nullable Interruption interruption() {
		return this.interruption;
	}

	int retryAttempt() {
		return this.attempt;
	}

	@Override
	public String runId() {
		return this.run.id();
	}

	@Override
	public String functionId() {
		return this.function.id();
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	@Override
	public Event event() {
		return this.event;
	}

	@Override
	public List<Event> events() {
		return List.of(this.event);
	}

	/**
	 * A step about to run: its key, its position in the run, and what is stored for it.
	 */
	record Step(String key, int position, @Nullable StoredStep stored) {
	}

}
