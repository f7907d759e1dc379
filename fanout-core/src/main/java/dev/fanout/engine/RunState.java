package dev.fanout.engine;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

	private final StepSequence sequence;

	private final StepOutputs outputs;

	private int attempt;

	private @Nullable Interruption interruption;

	private final FlowSteps flow;

	RunState(ClaimedRun run, FunctionDefinition function, Event event, List<StoredStep> stored, RunExecutor executor) {
		this.run = run;
		this.function = function;
		this.event = event;
		this.executor = executor;
		this.attempt = run.retryAttempt();
		this.sequence = new StepSequence(executor.limits().maxStepsPerRun());
		this.outputs = executor.outputs();
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
		this.sequence.enter(step.key());
		try {
			value = fn.call();
		}
		catch (Interruption.Signal signal) {
			throw signal;
		}
		catch (Throwable ex) {
			this.sequence.leave();
			throw failed(step.key(), step.position(), startedAt, attempts, ex);
		}
		finally {
			this.sequence.leave();
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
		StepSequence.Next next = this.sequence.next(id);
		String key = next.key();
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
		return new Step(key, next.position(), stored);
	}

	void throwIfFailed(@Nullable StoredStep stored) {
		if (stored != null && stored.status() == StepStatus.FAILED && stored.endedAt() != null) {
			throw new StepFailedException(stored.key(), String.valueOf(stored.error()));
		}
	}

	private @Nullable Object completed(String key, int stepPosition, Instant startedAt, int attempts,
			@Nullable Type type, @Nullable Object value) {
		StepOutputs.Encoded encoded;
		try {
			encoded = this.outputs.encode(key, type, value);
		}
		catch (NonRetriableException ex) {
			throw failed(key, stepPosition, startedAt, attempts, ex);
		}
		StoredStep row = new StoredStep(key, stepPosition, StepStatus.COMPLETED, encoded.json(), encoded.type(), null,
				null, attempts, null, startedAt, this.executor.now());
		save(row);
		this.attempt = 0;
		return encoded.restored();
	}

	RuntimeException failed(String key, int stepPosition, Instant startedAt, int attempts, Throwable error) {
		if (this.executor.isStopping()
				&& (error instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
			throw interrupt(new Interruption.Suspend());
		}
		Instant now = this.executor.now();
		Instant due = this.function.retryAt(error, attempts, now, true);
		StoredStep row = new StoredStep(key, stepPosition, StepStatus.FAILED, null, null, Errors.describe(error),
				Errors.stack(error), attempts, null, startedAt, (due != null) ? null : now);
		if (due == null) {
			save(row);
			return new StepFailedException(key, Errors.describe(error), error);
		}
		throw interrupt(new Interruption.RetryStep(row, due));
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
		return this.outputs.restore(stored.key(), stored.output(), stored.outputType(), type,
				this.function.invoker().target().getClass().getClassLoader());
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
