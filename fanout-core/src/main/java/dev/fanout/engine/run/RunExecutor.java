package dev.fanout.engine.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.engine.event.StoredEvents;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.observe.RunScope;
import dev.fanout.engine.observe.Telemetry;
import dev.fanout.engine.sending.EventWriter;
import dev.fanout.engine.settings.Limits;
import dev.fanout.engine.step.Interruption;
import dev.fanout.engine.step.Invocation;
import dev.fanout.engine.step.Refusal;
import dev.fanout.engine.step.StepOutputs;
import dev.fanout.engine.support.Errors;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredEvent;
import dev.fanout.store.StoredStep;

/**
 * Executes one claimed run: invokes its function over the run's journal, then records the
 * outcome (completed, requeued for a retry, parked, cancelled or failed), one transaction
 * per outcome. A run's end, with its last step, is handed to the group commit without
 * waiting for it: nothing follows it, so its thread is free for the next run while the
 * end commits.
 *
 * @since 0.1.0
 */
public final class RunExecutor {

	private static final Logger logger = LoggerFactory.getLogger(RunExecutor.class);

	/** An outcome already committed, or nothing left to record. */
	private static final CompletableFuture<Void> RECORDED = CompletableFuture.completedFuture(null);

	private final LocalFunctions functions;

	private final PayloadSerializer serializer;

	private final StepOutputs outputs;

	private final EventWriter events;

	private final RunEndings endings;

	private final RunWrites writes;

	private final Telemetry telemetry;

	/**
	 * Create an executor.
	 * @param functions this application's functions
	 * @param store the store
	 * @param transaction starts transactions of the executor's own
	 * @param retry retries transient database failures
	 * @param serializer reads and writes payloads and outputs
	 * @param limits the size limits
	 * @param clock the clock
	 * @param events writes the events that steps send
	 * @param endings what follows a run's end
	 * @param host the worker that claimed the runs
	 * @param telemetry reports and observes the runs and their steps
	 */
	public RunExecutor(LocalFunctions functions, RunStore store, TransactionTemplate transaction, RetrySupport retry,
			PayloadSerializer serializer, Limits limits, Clock clock, EventWriter events, RunEndings endings,
			RunHost host, Telemetry telemetry) {
		this.functions = functions;
		this.serializer = serializer;
		this.outputs = new StepOutputs(serializer, limits);
		this.events = events;
		this.endings = endings;
		this.writes = new RunWrites(store, transaction, retry, host, clock);
		this.telemetry = telemetry;
	}

	/**
	 * Start committing runs' writes together.
	 */
	public void start() {
		this.writes.commits().start();
	}

	/**
	 * Write what was handed over; later writes commit on their own.
	 */
	public void stop() {
		this.writes.commits().stop();
	}

	/**
	 * The last failure of the writes committed together, until a later batch commits.
	 * @return the failure, or {@code null} if the last batch committed
	 */
	public @Nullable WriteFailure lastWriteFailure() {
		return this.writes.commits().lastFailure();
	}

	/**
	 * Execute a run and record its outcome, with the run named in the thread's MDC and
	 * observed meanwhile.
	 * @param run the run
	 * @return complete once the outcome is committed, or failed if it could not be
	 */
	public CompletableFuture<Void> execute(ClaimedRun run) {
		try (RunScope scope = this.telemetry.run(run)) {
			if (this.telemetry.isMetering()) {
				Duration queued = Duration.between(run.dueAt(), this.writes.now());
				this.telemetry.metrics().runStarted(run.functionId(), queued.isNegative() ? Duration.ZERO : queued);
			}
			return execute(run, scope);
		}
	}

	private CompletableFuture<Void> execute(ClaimedRun run, RunScope scope) {
		FunctionDefinition function = this.functions.get(run.functionId())
			.orElseThrow(() -> new IllegalStateException("Claimed a run of unknown function " + run.functionId()));
		List<StoredEvent> batch = batchOf(run, function);
		Event event;
		List<Event> events;
		try {
			event = StoredEvents.trigger(run, this.serializer);
			events = batch.isEmpty() ? List.of(event)
					: batch.stream().map((stored) -> StoredEvents.event(stored, this.serializer)).toList();
		}
		catch (RuntimeException ex) {
			// Stored data never changes: every attempt would fail the same way.
			scope.outcome("failed");
			return failed(run, function, StoredEvents.unreadable(run),
					new NonRetriableException("The run's trigger cannot be read: " + ex.getMessage(), ex));
		}
		if (run.cancelRequested()) {
			scope.outcome("cancelled");
			return cancelled(run, event, null);
		}
		if (run.idleClaims() > function.retries() + 1) {
			scope.outcome("failed");
			return failed(run, function, event, new NonRetriableException("The run was claimed " + run.idleClaims()
					+ " times in a row without recording a step or an outcome: the process may have crashed while "
					+ "running it (a JVM that exited or was killed), or its outcome could not be written"));
		}
		String late = applyTimeouts(run, function, event);
		if (late != null) {
			scope.outcome("cancelled");
			return cancelled(run, event, late);
		}
		// A run's first invocation has nothing stored yet: no need to read its steps.
		List<StoredStep> stored = (run.attempts() > 1) ? this.writes.db(() -> this.writes.store().steps(run.id()))
				: List.of();
		StoreJournal journal = new StoreJournal(run, event, stored, this.writes, this.events, this.functions,
				this.serializer, this.telemetry);
		Invocation.Outcome outcome = new Invocation(run.id(), function, events, run.retryAttempt(), this.outputs)
			.invoke(journal);
		scope.outcome(outcomeOf(outcome));
		if (outcome.failure() != null && outcome.interruption() == null) {
			scope.error(outcome.failure());
		}
		if (outcome.interruption() == null && outcome.failure() == null) {
			return completed(run, function, event, outcome.result(), journal);
		}
		return flushed(run, event, journal,
				() -> (outcome.interruption() != null) ? interrupted(run, event, outcome.interruption(), journal)
						: failed(run, function, event, outcome.failure()));
	}

	/**
	 * Store the step the journal kept, then record the outcome: any but a completion
	 * follows the last step in a write of its own.
	 */
	private CompletableFuture<Void> flushed(ClaimedRun run, Event event, StoreJournal journal,
			Supplier<CompletableFuture<Void>> outcome) {
		try {
			journal.flush();
		}
		catch (Refusal refusal) {
			return interrupted(run, event, refusal.reason(), journal);
		}
		return outcome.get();
	}

	/**
	 * The events of a batched run, read apart from the claim so that the claims of other
	 * runs read nothing more; none for another run, whose function receives its trigger
	 * alone.
	 */
	private List<StoredEvent> batchOf(ClaimedRun run, FunctionDefinition function) {
		if (function.flow().batch() == null) {
			return List.of();
		}
		return this.writes.db(() -> this.writes.store().batchEvents(run.id()));
	}

	/**
	 * Find a run that first started too late, which is to be cancelled; for any other,
	 * replace the start deadline with the finish deadline. Both count from the run's
	 * first start, so doing this on every invocation gives the same result, also when the
	 * first one crashed before it.
	 * @return why the run is cancelled, or {@code null} to run it
	 */
	private @Nullable String applyTimeouts(ClaimedRun run, FunctionDefinition function, Event event) {
		Duration start = function.startTimeout();
		Duration finish = function.finishTimeout();
		if (start == null && finish == null) {
			return null;
		}
		Instant firstStart = (run.startedAt() != null) ? run.startedAt() : this.writes.now();
		if (start != null && firstStart.isAfter(event.ts().plus(start))) {
			return "Not started within the start timeout of " + start;
		}
		this.writes.db(() -> {
			this.writes.store()
				.setDeadline(run.id(), (finish != null) ? firstStart.plus(finish) : null,
						(finish != null) ? "Not finished within the finish timeout of " + finish : null);
			return true;
		});
		return null;
	}

	/**
	 * How an invocation ended, as the {@code fanout.run} observation names it.
	 */
	private static String outcomeOf(Invocation.Outcome outcome) {
		Interruption interruption = outcome.interruption();
		if (interruption instanceof Interruption.RetryStep) {
			return "retried";
		}
		if (interruption instanceof Interruption.Parked) {
			return "paused";
		}
		if (interruption instanceof Interruption.Cancelled) {
			return "cancelled";
		}
		if (interruption != null) {
			return "suspended";
		}
		return (outcome.failure() != null) ? "failed" : "completed";
	}

	private CompletableFuture<Void> interrupted(ClaimedRun run, Event event, Interruption interruption,
			StoreJournal journal) {
		if (interruption instanceof Interruption.RetryStep retryStep) {
			StoredStep attempt = retryStep.failedAttempt();
			boolean owned = this.writes.saveStep(run.id(), attempt, () -> this.writes.store()
				.requeue(run.id(), owner(), retryStep.dueAt(), run.failures(), attempt.attempts(), attempt.error()));
			if (!owned) {
				return refused(run, event);
			}
			journal.stepEnded(attempt.key(), "retried");
			logger.info("Step '{}' of run {} ({}) failed on attempt {}; retrying at {}: {}", attempt.key(), run.id(),
					run.functionId(), attempt.attempts(), retryStep.dueAt(), attempt.error());
			this.writes.host().wakeAt(retryStep.dueAt());
		}
		else if (interruption instanceof Interruption.Parked parked) {
			this.writes.host().wakeAt(parked.dueAt());
		}
		else if (interruption instanceof Interruption.Cancelled cancelled) {
			return cancelled(run, event, cancelled.reason());
		}
		else if (interruption instanceof Interruption.Suspend) {
			this.writes.db(() -> this.writes.store().release(owner(), List.of(run.id()), this.writes.now()));
		}
		else {
			return lost(run);
		}
		return RECORDED;
	}

	private static CompletableFuture<Void> lost(ClaimedRun run) {
		logger.warn("Run {} of {} lost its lease to another worker; this invocation's results are discarded", run.id(),
				run.functionId());
		return RECORDED;
	}

	private CompletableFuture<Void> completed(ClaimedRun run, FunctionDefinition function, Event event,
			@Nullable Object result, StoreJournal journal) {
		String output;
		try {
			output = this.outputs.encodeRunOutput(result);
		}
		catch (NonRetriableException ex) {
			return flushed(run, event, journal, () -> failed(run, function, event, ex));
		}
		StoredStep last = journal.takeUnsaved();
		return finish(run, event, RunEnd.completed(run.id(), output, this.writes.now()), last,
				() -> this.endings.completed(run, event, output), () -> {
					if (last != null) {
						journal.saved(last);
					}
				});
	}

	/**
	 * The run's last step was refused, and with it its end: it is cancelled, or another
	 * owner has it. This runs on the thread that committed the write, once: a
	 * cancellation or a lost lease between a run's last step and its end is rare, and
	 * nothing here waits for the group commit.
	 */
	private CompletableFuture<Void> lastStepRefused(ClaimedRun run, Event event, StoredStep last) {
		Interruption reason = this.writes.stepRefused(run.id(), last);
		return (reason instanceof Interruption.Cancelled cancelled) ? cancelled(run, event, cancelled.reason())
				: lost(run);
	}

	private CompletableFuture<Void> failed(ClaimedRun run, FunctionDefinition function, Event event, Throwable error) {
		int failures = run.failures() + 1;
		Instant due = function.retryAt(error, failures, this.writes.now());
		if (due != null) {
			if (this.writes.commit(() -> this.writes.store()
				.requeue(run.id(), owner(), due, failures, failures, Errors.describe(error)))) {
				logger.info("Run {} ({}) failed on attempt {}; retrying at {}: {}", run.id(), run.functionId(),
						failures, due, Errors.describe(error));
				this.writes.host().wakeAt(due);
				return RECORDED;
			}
			return refused(run, event);
		}
		String stack = Errors.stack(error);
		return finish(run, event, RunEnd.failed(run.id(), Errors.describe(error), stack, this.writes.now()), null,
				() -> this.endings.failed(run, event, error, stack),
				() -> logger.warn("Run {} ({}) of event {} failed for good: {}", run.id(), run.functionId(),
						run.event().id(), Errors.describe(error)));
	}

	private CompletableFuture<Void> cancelled(ClaimedRun run, Event event, @Nullable String reason) {
		String why = (reason != null) ? reason
				: this.writes.db(() -> this.writes.store().cancelRequested(run.id(), owner())).orElse("Cancelled");
		return finish(run, event, RunEnd.cancelled(run.id(), why, this.writes.now()), null,
				() -> this.endings.cancelled(run, event, why),
				() -> logger.info("Run {} ({}) cancelled: {}", run.id(), run.functionId(), why));
	}

	/**
	 * A fenced write was refused: end the run if a cancellation is pending, else another
	 * owner has it and this invocation's results are dropped.
	 */
	private CompletableFuture<Void> refused(ClaimedRun run, Event event) {
		if (this.writes.lostOrCancelled(run.id()) instanceof Interruption.Cancelled cancelled) {
			return cancelled(run, event, cancelled.reason());
		}
		return RECORDED;
	}

	/**
	 * End a run, and store its last step first if it has one, together with other runs'
	 * writes, and follow its end up in the same transaction; without waiting for the
	 * commit.
	 * @param last the run's last step, not stored yet, or {@code null}
	 * @param endings the follow-up, in the transaction, if the run was still held
	 * @param ended what to do once the end committed, if the run was still held, besides
	 * telling the metrics
	 */
	private CompletableFuture<Void> finish(ClaimedRun run, Event event, RunEnd end, @Nullable StoredStep last,
			Runnable endings, Runnable ended) {
		return this.writes.commits().submit(this.writes.runWrites(), new RunWrite(run.id(), last, end), (held) -> {
			if (held) {
				endings.run();
			}
			return held;
		}).thenCompose((held) -> {
			if (held) {
				ended.run();
				this.telemetry.runEnded(run.functionId(), end.status(), run.startedAt(), end.endedAt());
				return RECORDED;
			}
			return (last != null) ? lastStepRefused(run, event, last) : RECORDED;
		}).exceptionallyCompose((failure) -> {
			if (last != null) {
				keep(run, last, failure);
			}
			return CompletableFuture.failedFuture(failure);
		});
	}

	/**
	 * The write of a run's end failed, and with it its last step's: store the step alone,
	 * so that the run, handed back, does not repeat it. On the thread that failed the
	 * write, in a transaction of its own: a failed end is rare, and nothing here waits
	 * for the group commit.
	 */
	private void keep(ClaimedRun run, StoredStep last, Throwable failure) {
		try {
			this.writes.db(() -> this.writes.store().saveStep(run.id(), owner(), last));
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
		}
	}

	private String owner() {
		return this.writes.owner();
	}

}
