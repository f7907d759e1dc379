package dev.fanout.engine.step;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.RunContext;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepStatus;
import dev.fanout.ThrowingRunnable;
import dev.fanout.engine.support.Errors;
import dev.fanout.store.StoredStep;

/**
 * One invocation of a run: the step context and run context handed to the function.
 * Completed steps return their stored output; a new step runs, and its output is recorded
 * in the journal before it returns. Confined to the invocation's thread.
 */
final class RunState implements StepContext, RunContext {

	private final Invocation invocation;

	private final RunJournal journal;

	private final StepSequence sequence;

	private final FlowSteps flow;

	private int attempt;

	private @Nullable Interruption interruption;

	RunState(Invocation invocation, RunJournal journal) {
		this.invocation = invocation;
		this.journal = journal;
		this.attempt = invocation.attempt();
		this.sequence = new StepSequence(invocation.outputs().limits().maxStepsPerRun());
		this.flow = new FlowSteps(this, journal, invocation.outputs().serializer());
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
			return (T) reached(step, restore(stored, type));
		}
		throwIfFailed(step);
		Instant startedAt = step.startedAt(this.journal.now());
		int attempts = step.attempts() + 1;
		Object value;
		this.sequence.enter(step.key());
		try {
			value = this.journal.call(step.ref(), attempts - 1, List.of(), fn);
		}
		catch (Interruption.Signal signal) {
			throw signal;
		}
		catch (Refusal refusal) {
			throw interrupt(refusal.reason());
		}
		catch (Throwable ex) {
			throw failed(step, startedAt, attempts, ex);
		}
		finally {
			this.sequence.leave();
		}
		// A step that returns nothing stores nothing, whatever answered for it.
		return (T) reached(step, completed(step, startedAt, attempts, type, (type == Void.class) ? null : value));
	}

	/**
	 * What every step does first: refuse when interrupted, nested or over the limit, find
	 * the step's key, position and stored row, and stop before a step not reached yet if
	 * the run must.
	 */
	Step begin(String id) {
		if (this.interruption != null) {
			throw new Interruption.Signal(this.interruption);
		}
		StepSequence.Next next = this.sequence.next(id);
		StoredStep stored = this.journal.step(next.key());
		if (stored == null || !stored.hasEnded()) {
			Interruption pending = this.journal.pending();
			if (pending != null) {
				throw interrupt(pending);
			}
		}
		return new Step(new StepRef(id, next.key(), next.position()), stored);
	}

	/**
	 * A step's result reaches the function.
	 */
	<T> T reached(Step step, T value) {
		write(() -> this.journal.reached(step.ref()));
		return value;
	}

	void throwIfFailed(Step step) {
		StoredStep stored = step.stored();
		if (stored != null && stored.hasFailedForGood()) {
			reached(step, null);
			throw new StepFailedException(stored.key(), String.valueOf(stored.error()));
		}
	}

	private @Nullable Object completed(Step step, Instant startedAt, int attempts, @Nullable Type type,
			@Nullable Object value) {
		StepOutputs.Encoded encoded;
		try {
			encoded = this.invocation.outputs().encode(step.key(), type, value);
		}
		catch (NonRetriableException ex) {
			throw failed(step, startedAt, attempts, ex);
		}
		save(StoredStep.of(step.key(), step.position(), startedAt)
			.attempts(attempts)
			.completed(encoded.json(), encoded.type(), this.journal.now()));
		this.attempt = 0;
		return encoded.restored();
	}

	/**
	 * A step attempt failed: the run is retried while the function's retry settings allow
	 * it, else the step is recorded as failed for good and its
	 * {@link StepFailedException} returned, to throw into the function.
	 */
	RuntimeException failed(Step step, Instant startedAt, int attempts, Throwable error) {
		if (this.journal.pending() instanceof Interruption.Suspend
				&& (error instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
			throw interrupt(new Interruption.Suspend());
		}
		Instant now = this.journal.now();
		Instant due = this.invocation.function().retryAt(error, attempts, now);
		StoredStep.Builder row = StoredStep.of(step.key(), step.position(), startedAt).attempts(attempts);
		if (due != null) {
			throw interrupt(
					new Interruption.RetryStep(row.failedAttempt(Errors.describe(error), Errors.stack(error)), due));
		}
		save(row.failed(Errors.describe(error), Errors.stack(error), now));
		reached(step, null);
		return new StepFailedException(step.key(), Errors.describe(error), error);
	}

	void save(StoredStep row) {
		write(() -> this.journal.save(row));
	}

	/**
	 * Make a journal write, interrupting the invocation if the journal refuses it.
	 */
	<T> T write(Supplier<T> write) {
		try {
			return write.get();
		}
		catch (Refusal refusal) {
			throw interrupt(refusal.reason());
		}
	}

	void write(Runnable write) {
		write(() -> {
			write.run();
			return null;
		});
	}

	private @Nullable Object restore(StoredStep stored, @Nullable Type type) {
		return this.invocation.outputs()
			.restore(stored.key(), stored.output(), stored.outputType(), type,
					this.invocation.function().invoker().classLoader());
	}

	Interruption.Signal interrupt(Interruption reason) {
		if (this.interruption == null) {
			this.interruption = reason;
		}
		return new Interruption.Signal(this.interruption);
	}

	@Nullable Interruption interruption() {
		return this.interruption;
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
		return this.invocation.runId();
	}

	@Override
	public String functionId() {
		return this.invocation.function().id();
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	@Override
	public Event event() {
		return this.invocation.event();
	}

	@Override
	public List<Event> events() {
		return this.invocation.events();
	}

	/**
	 * A step about to run, and what is stored for it.
	 */
	record Step(StepRef ref, @Nullable StoredStep stored) {

		String key() {
			return this.ref.key();
		}

		int position() {
			return this.ref.position();
		}

		/** When the step's first attempt started: stored, or now for a new step. */
		Instant startedAt(Instant now) {
			return (this.stored != null) ? this.stored.startedAt() : now;
		}

		/** The attempts made so far. */
		int attempts() {
			return (this.stored != null) ? this.stored.attempts() : 0;
		}

	}

}
