package dev.fanout.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.expression.Expression;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepStatus;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStep;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredEvent;
import dev.fanout.store.StoredStep;

/**
 * Executes one claimed run: invokes its function with the stored steps, then records the
 * outcome (completed, requeued for a retry, parked, cancelled or failed), one transaction
 * per outcome. A run's end is handed to the group commit without waiting for it: no step
 * follows it, so its thread is free for the next run while the end commits.
 */
final class RunExecutor {

	private static final Logger logger = LoggerFactory.getLogger(RunExecutor.class);

	/**
	 * How many stored events a wait reads at a time when it looks back for one that
	 * arrived before it.
	 */
	private static final int LOOK_BACK_PAGE = 500;

	/** An outcome already committed, or nothing left to record. */
	private static final CompletableFuture<Void> RECORDED = CompletableFuture.completedFuture(null);

	private final FunctionRegistry registry;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final PayloadSerializer serializer;

	private final EngineSettings settings;

	private final Clock clock;

	private final DefaultEventSender sender;

	private final Worker worker;

	private final GroupCommit commits;

	private final GroupCommit.Bulk<RunStep> stepWrites;

	private final GroupCommit.Bulk<RunEnd> runEnds;

	RunExecutor(FunctionRegistry registry, RunStore store, TransactionTemplate transaction, RetrySupport retry,
			PayloadSerializer serializer, EngineSettings settings, Clock clock, DefaultEventSender sender,
			Worker worker) {
		this.registry = registry;
		this.store = store;
		this.transaction = transaction;
		this.retry = retry;
		this.serializer = serializer;
		this.settings = settings;
		this.clock = clock;
		this.sender = sender;
		this.worker = worker;
		this.commits = new GroupCommit(transaction, retry);
		this.stepWrites = (steps) -> store.saveSteps(owner(), steps);
		this.runEnds = (ends) -> store.finish(owner(), ends);
	}

	GroupCommit commits() {
		return this.commits;
	}

	/**
	 * Execute a run and record its outcome.
	 * @param run the run
	 * @return complete once the outcome is committed, or failed if it could not be
	 */
	CompletableFuture<Void> execute(ClaimedRun run) {
		FunctionDefinition function = this.registry.get(run.functionId())
			.orElseThrow(() -> new IllegalStateException("Claimed a run of unknown function " + run.functionId()));
		Event event = StoredEvents.trigger(run, this.serializer);
		if (run.cancelRequested()) {
			return cancelled(run, event, null);
		}
		String late = applyTimeouts(run, function, event);
		if (late != null) {
			return cancelled(run, event, late);
		}
		// A run's first invocation has nothing stored yet: no need to read its steps.
		List<StoredStep> stored = (run.attempts() > 1) ? db(() -> this.store.steps(run.id())) : List.of();
		RunState state = new RunState(run, function, event, stored, this);
		Object result = null;
		Throwable failure = null;
		try {
			result = function.invoker().invoke(state, state);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		Interruption interruption = state.interruption();
		if (interruption != null) {
			return interrupted(run, event, interruption);
		}
		return (failure == null) ? completed(run, function, event, result) : failed(run, function, event, failure);
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
		Instant firstStart = (run.startedAt() != null) ? run.startedAt() : now();
		if (start != null && firstStart.isAfter(event.ts().plus(start))) {
			return "Not started within the start timeout of " + start;
		}
		db(() -> {
			this.store.setDeadline(run.id(), (finish != null) ? firstStart.plus(finish) : null,
					(finish != null) ? "Not finished within the finish timeout of " + finish : null);
			return true;
		});
		return null;
	}

	private CompletableFuture<Void> interrupted(ClaimedRun run, Event event, Interruption interruption) {
		if (interruption instanceof Interruption.RetryStep retryStep) {
			StoredStep attempt = retryStep.failedAttempt();
			boolean owned = saveStep(run.id(), attempt, () -> this.store.requeue(run.id(), owner(), retryStep.dueAt(),
					run.failures(), attempt.attempts(), attempt.error()));
			if (owned) {
				logger.info("Step '{}' of run {} ({}) failed on attempt {}; retrying at {}: {}", attempt.key(),
						run.id(), run.functionId(), attempt.attempts(), retryStep.dueAt(), attempt.error());
				this.worker.wakeAt(retryStep.dueAt());
			}
			else {
				return refused(run, event);
			}
		}
		else if (interruption instanceof Interruption.Parked parked) {
			this.worker.wakeAt(parked.dueAt());
		}
		else if (interruption instanceof Interruption.Cancelled cancelled) {
			return cancelled(run, event, cancelled.reason());
		}
		else if (interruption instanceof Interruption.Suspend) {
			db(() -> this.store.release(owner(), List.of(run.id()), now()));
		}
		else {
			logger.warn("Run {} of {} lost its lease to another worker; this invocation's results are discarded",
					run.id(), run.functionId());
		}
		return RECORDED;
	}

	private CompletableFuture<Void> completed(ClaimedRun run, FunctionDefinition function, Event event,
			@Nullable Object result) {
		String output;
		try {
			output = this.serializer.serialize(result);
		}
		catch (IllegalArgumentException ex) {
			return failed(run, function, event,
					new NonRetriableException("The function's return value cannot be stored as JSON", ex));
		}
		return finish(new RunEnd(run.id(), RunStatus.COMPLETED, output, null, null, now()),
				() -> this.sender.endings().completed(run, event, output), () -> {
				});
	}

	private CompletableFuture<Void> failed(ClaimedRun run, FunctionDefinition function, Event event, Throwable error) {
		int failures = run.failures() + 1;
		Instant due = function.retryAt(error, failures, now(), true);
		if (due != null) {
			if (commit(() -> this.store.requeue(run.id(), owner(), due, failures, failures, Errors.describe(error)))) {
				logger.info("Run {} ({}) failed on attempt {}; retrying at {}: {}", run.id(), run.functionId(),
						failures, due, Errors.describe(error));
				this.worker.wakeAt(due);
				return RECORDED;
			}
			return refused(run, event);
		}
		String stack = Errors.stack(error);
		return finish(new RunEnd(run.id(), RunStatus.FAILED, null, Errors.describe(error), stack, now()),
				() -> this.sender.endings().failed(run, event, error, stack),
				() -> logger.warn("Run {} ({}) of event {} failed for good: {}", run.id(), run.functionId(),
						run.eventId(), Errors.describe(error)));
	}

	private CompletableFuture<Void> cancelled(ClaimedRun run, Event event, @Nullable String reason) {
		String why = (reason != null) ? reason
				: db(() -> this.store.cancelRequested(run.id(), owner())).orElse("Cancelled");
		return finish(new RunEnd(run.id(), RunStatus.CANCELLED, null, why, null, now()),
				() -> this.sender.endings().cancelled(run, event, why),
				() -> logger.info("Run {} ({}) cancelled: {}", run.id(), run.functionId(), why));
	}

	/**
	 * A fenced write was refused: end the run if a cancellation is pending, else another
	 * owner has it and this invocation's results are dropped.
	 */
	private CompletableFuture<Void> refused(ClaimedRun run, Event event) {
		if (lostOrCancelled(run.id()) instanceof Interruption.Cancelled cancelled) {
			return cancelled(run, event, cancelled.reason());
		}
		return RECORDED;
	}

	/**
	 * End a run, together with other runs' writes, and follow its end up in the same
	 * transaction; without waiting for the commit.
	 * @param endings the follow-up, in the transaction, if the run was still held
	 * @param ended what to do once the end committed, if the run was still held
	 */
	private CompletableFuture<Void> finish(RunEnd end, Runnable endings, Runnable ended) {
		return this.commits.submit(this.runEnds, end, (held) -> {
			if (held) {
				endings.run();
			}
			return held;
		}).thenAccept((held) -> {
			if (held) {
				ended.run();
			}
		});
	}

	boolean saveStep(String runId, StoredStep step) {
		return saveStep(runId, step, () -> true);
	}

	/**
	 * Store a step, together with other runs' writes, and if the lease held, make a
	 * further write in the same transaction.
	 */
	private boolean saveStep(String runId, StoredStep step, Supplier<Boolean> then) {
		return this.commits.commit(this.stepWrites, new RunStep(runId, step), (held) -> held && then.get());
	}

	void saveStepOfCancellingRun(String runId, StoredStep step) {
		db(() -> this.store.saveStepOfCancellingRun(runId, owner(), step));
	}

	/**
	 * Why a fenced write was refused: a pending cancellation, or the lease went to
	 * another owner.
	 */
	Interruption lostOrCancelled(String runId) {
		Optional<String> reason = db(() -> this.store.cancelRequested(runId, owner()));
		return reason.<Interruption>map(Interruption.Cancelled::new).orElseGet(Interruption.LeaseLost::new);
	}

	/**
	 * Store a sleeping or waiting step and park the run, together.
	 */
	void park(RunState state, StoredStep row, RunStatus status, Instant due) {
		String runId = state.claimedRun().id();
		if (!saveStep(runId, row, () -> this.store.park(runId, owner(), status, due))) {
			throw state.interrupt(lostOrCancelled(runId));
		}
	}

	/**
	 * Look back for an event that arrived since the run started and, if none matches,
	 * register the wait and park the run, all under an exclusive lock on the event name,
	 * so that a concurrent send either is seen here or sees the wait.
	 */
	Optional<Event> registerWait(RunState state, StoredStep waiting, String eventName, @Nullable String match,
			@Nullable Expression expression) {
		ClaimedRun run = state.claimedRun();
		Instant since = (run.startedAt() != null) ? run.startedAt() : now();
		Optional<Event> found = db(() -> {
			this.store.lockEventNames(List.of(eventName), true);
			Optional<Event> arrived = firstArrived(state, eventName, since, expression);
			if (arrived.isPresent()) {
				StoredStep done = new StoredStep(waiting.key(), waiting.position(), StepStatus.COMPLETED,
						StoredEvents.toJson(arrived.get(), this.serializer), StoredEvents.OUTPUT_TYPE, null, null, 1,
						null, waiting.startedAt(), now());
				if (!this.store.saveStep(run.id(), owner(), done)) {
					throw state.interrupt(lostOrCancelled(run.id()));
				}
				state.remember(done);
				return arrived;
			}
			if (!this.store.saveStep(run.id(), owner(), waiting)
					|| !this.store.park(run.id(), owner(), RunStatus.WAITING, waiting.wakeAt())) {
				throw state.interrupt(lostOrCancelled(run.id()));
			}
			this.store
				.insertWait(new NewWait(run.id(), waiting.key(), NewWait.EVENT, eventName, match, waiting.wakeAt()));
			return Optional.empty();
		});
		return found;
	}

	/**
	 * The first event of the name stored since the run started that matches and did not
	 * resume an earlier wait of this run (an event counts once per run), read page by
	 * page so a busy event name loses none.
	 */
	private Optional<Event> firstArrived(RunState state, String eventName, Instant since,
			@Nullable Expression expression) {
		Set<String> received = state.receivedEventIds();
		Map<String, Object> trigger = EventExpressions.asMap(state.event());
		String after = "";
		List<StoredEvent> page;
		do {
			page = this.store.eventsSince(eventName, since, after, LOOK_BACK_PAGE);
			for (StoredEvent stored : page) {
				Event candidate = StoredEvents.event(stored, this.serializer);
				if (!received.contains(candidate.id()) && (expression == null || EventExpressions.isTrue(expression,
						Map.of("event", trigger, "async", EventExpressions.asMap(candidate))))) {
					return Optional.of(candidate);
				}
				after = stored.seq();
			}
		}
		while (page.size() == LOOK_BACK_PAGE);
		return Optional.empty();
	}

	/**
	 * End a waiting step on its timeout, unless an event or a child run ended it first;
	 * either way, the step as it now stands.
	 */
	StoredStep resolveWait(RunState state, StoredStep timedOut) {
		String runId = state.claimedRun().id();
		StoredStep resolved = db(() -> {
			if (this.store.resolveWaitingStep(runId, timedOut)) {
				this.store.deleteWait(runId, timedOut.key());
				return timedOut;
			}
			return this.store.steps(runId)
				.stream()
				.filter((step) -> step.key().equals(timedOut.key()))
				.findFirst()
				.orElse(timedOut);
		});
		state.remember(resolved);
		return resolved;
	}

	/**
	 * Send events and record the step that sent them in one transaction, so a replay
	 * never sends them again.
	 */
	SendResult sendInStep(RunState state, Function<String, StoredStep> row, List<Event> events) {
		String runId = state.claimedRun().id();
		StoredStep[] saved = new StoredStep[1];
		SendResult result = db(() -> {
			SendResult sent = this.sender.write(events);
			saved[0] = row.apply(this.serializer.serialize(sent));
			if (!this.store.saveStep(runId, owner(), saved[0])) {
				throw state.interrupt(lostOrCancelled(runId));
			}
			return sent;
		});
		state.remember(saved[0]);
		return result;
	}

	/**
	 * Create the invoked function's run, store the waiting step and park the caller,
	 * together.
	 */
	void startInvocation(RunState state, StoredStep waiting, String functionId, Event event) {
		String runId = state.claimedRun().id();
		db(() -> {
			if (!this.store.saveStep(runId, owner(), waiting)
					|| !this.store.park(runId, owner(), RunStatus.WAITING, waiting.wakeAt())) {
				throw state.interrupt(lostOrCancelled(runId));
			}
			return this.sender.writeInvocation(event, functionId, runId, waiting.key());
		});
	}

	Optional<FunctionDefinition> function(String functionId) {
		return this.registry.get(functionId);
	}

	/**
	 * A write of a run's progress, committed together with other runs' writes.
	 */
	private <T> T commit(Supplier<T> work) {
		return this.commits.commit(work);
	}

	/**
	 * Run store work in its own transaction (never the function's), retried on transient
	 * failures.
	 */
	private <T> T db(Supplier<T> work) {
		return this.retry.onTransientFailure(() -> this.transaction.execute((status) -> work.get()));
	}

	boolean isStopping() {
		return this.worker.isStopping();
	}

	boolean isCancelMarked(String runId) {
		return this.worker.isCancelMarked(runId);
	}

	Instant now() {
		return this.clock.instant();
	}

	private String owner() {
		return this.worker.owner();
	}

	Limits limits() {
		return this.settings.limits();
	}

	StepOutputs outputs() {
		return new StepOutputs(this.serializer, this.settings.limits());
	}

	PayloadSerializer serializer() {
		return this.serializer;
	}

}
