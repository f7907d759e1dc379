package dev.fanout.engine;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

import dev.fanout.Event;
import dev.fanout.RetryAfterException;
import dev.fanout.RunStatus;
import dev.fanout.StepFailedException;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredStep;

/**
 * Executes one claimed run: invokes its function with the stored steps, then records the
 * outcome (completed, requeued for a retry, or failed) in one transaction per outcome.
 */
final class RunExecutor {

	private static final Logger logger = LoggerFactory.getLogger(RunExecutor.class);

	private static final Type MAP = new TypeReference<Map<String, Object>>() {
	}.getType();

	private final FunctionRegistry registry;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final PayloadSerializer serializer;

	private final EngineSettings settings;

	private final Clock clock;

	private final DefaultEventSender systemEvents;

	private final Worker worker;

	RunExecutor(FunctionRegistry registry, RunStore store, TransactionTemplate transaction, RetrySupport retry,
			PayloadSerializer serializer, EngineSettings settings, Clock clock, DefaultEventSender systemEvents,
			Worker worker) {
		this.registry = registry;
		this.store = store;
		this.transaction = transaction;
		this.retry = retry;
		this.serializer = serializer;
		this.settings = settings;
		this.clock = clock;
		this.systemEvents = systemEvents;
		this.worker = worker;
	}

	void execute(ClaimedRun run) {
		FunctionDefinition function = this.registry.get(run.functionId())
			.orElseThrow(() -> new IllegalStateException("Claimed a run of unknown function " + run.functionId()));
		Event event = event(run);
		RunState state = new RunState(run, function, event, db(() -> this.store.steps(run.id())), this);
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
			interrupted(run, interruption);
		}
		else if (failure == null) {
			completed(run, event, result);
		}
		else {
			failed(run, function, event, failure, state.retryAttempt());
		}
	}

	private void interrupted(ClaimedRun run, Interruption interruption) {
		if (interruption instanceof Interruption.RetryStep retryStep) {
			StoredStep attempt = retryStep.failedAttempt();
			boolean owned = db(() -> this.store.saveStep(run.id(), owner(), attempt, leaseUntil()) && this.store
				.requeue(run.id(), owner(), retryStep.dueAt(), run.failures(), attempt.attempts(), attempt.error()));
			if (owned) {
				logger.info("Step '{}' of run {} ({}) failed on attempt {}; retrying at {}: {}", attempt.key(),
						run.id(), run.functionId(), attempt.attempts(), retryStep.dueAt(), attempt.error());
				this.worker.wakeAt(retryStep.dueAt());
			}
		}
		else if (interruption instanceof Interruption.Suspend) {
			db(() -> this.store.release(owner(), List.of(run.id()), now()));
		}
		else {
			logger.warn("Run {} of {} lost its lease to another worker; this invocation's results are discarded",
					run.id(), run.functionId());
		}
	}

	private void completed(ClaimedRun run, Event event, @Nullable Object result) {
		String output;
		try {
			output = this.serializer.serialize(result);
		}
		catch (IllegalArgumentException ex) {
			failed(run, this.registry.get(run.functionId()).orElseThrow(), event,
					new dev.fanout.NonRetriableException("The function's return value cannot be stored as JSON", ex),
					0);
			return;
		}
		db(() -> this.store.finish(run.id(), owner(), RunStatus.COMPLETED, output, null, null, now())
				&& sendSystemEvent(event, () -> SystemEvents.finished(run.functionId(), run.id(), event,
						this.serializer.deserialize(output, Object.class))));
	}

	private void failed(ClaimedRun run, FunctionDefinition function, Event event, Throwable error, int retryAttempt) {
		boolean retryable = !(error instanceof StepFailedException) && function.retryable().classify(error);
		int failures = run.failures() + 1;
		if (retryable && failures <= function.retries()) {
			RetryAfterException retryAfter = Errors.retryAfter(error);
			Instant due = (retryAfter != null) ? retryAfter.retryAt(now())
					: now().plus(function.backoff().delay(failures));
			if (db(() -> this.store.requeue(run.id(), owner(), due, failures, failures, Errors.describe(error)))) {
				logger.info("Run {} ({}) failed on attempt {}; retrying at {}: {}", run.id(), run.functionId(),
						failures, due, Errors.describe(error));
				this.worker.wakeAt(due);
			}
			return;
		}
		String stack = Errors.stack(error);
		if (db(() -> this.store.finish(run.id(), owner(), RunStatus.FAILED, null, Errors.describe(error), stack, now())
				&& sendSystemEvent(event,
						() -> SystemEvents.failed(run.functionId(), run.id(), event, error, stack)))) {
			logger.warn("Run {} ({}) of event {} failed for good: {}", run.id(), run.functionId(), run.eventId(),
					Errors.describe(error));
		}
	}

	private boolean sendSystemEvent(Event trigger, Supplier<Event> event) {
		if (!SystemEvents.isSystemEvent(trigger.name())) {
			Event systemEvent = event.get();
			if (this.registry.hasTriggerFor(systemEvent.name())) {
				this.systemEvents.write(List.of(systemEvent));
			}
		}
		return true;
	}

	@SuppressWarnings("unchecked")
	private Event event(ClaimedRun run) {
		Event.Builder builder = Event.builder(run.eventName())
			.id(run.eventId())
			.data(this.serializer.deserialize(run.eventData(), MAP))
			.ts(run.eventTs())
			.v(run.eventV());
		if (run.eventUser() != null) {
			builder.user(this.serializer.deserialize(run.eventUser(), MAP));
		}
		return builder.build();
	}

	boolean saveStep(String runId, StoredStep step) {
		return db(() -> this.store.saveStep(runId, owner(), step, leaseUntil()));
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

	Instant now() {
		return this.clock.instant();
	}

	private Instant leaseUntil() {
		return now().plus(this.settings.leaseDuration());
	}

	private String owner() {
		return this.worker.owner();
	}

	Limits limits() {
		return this.settings.limits();
	}

	PayloadSerializer serializer() {
		return this.serializer;
	}

}
