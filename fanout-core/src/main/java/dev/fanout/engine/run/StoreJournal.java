package dev.fanout.engine.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepStatus;
import dev.fanout.engine.event.StoredEvents;
import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.observe.StepScope;
import dev.fanout.engine.observe.Telemetry;
import dev.fanout.engine.sending.EventSources;
import dev.fanout.engine.sending.EventWriter;
import dev.fanout.engine.step.Interruption;
import dev.fanout.engine.step.Refusal;
import dev.fanout.engine.step.RunJournal;
import dev.fanout.engine.step.StepRef;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.StoredStep;

/**
 * The journal of one claimed run, on the store: steps are read once per invocation and
 * every write is fenced by the worker's lease, so a worker that lost the run records
 * nothing over its new owner. A step's result commits together with other runs' writes
 * before whatever follows the step: the next step's body, any other write, or the run's
 * end, with which a run's last step commits.
 */
final class StoreJournal implements RunJournal {

	private final ClaimedRun run;

	private final Event trigger;

	private final Map<String, StoredStep> steps = new HashMap<>();

	private final RunWrites writes;

	private final EventWriter events;

	private final LocalFunctions functions;

	private final PayloadSerializer serializer;

	private final Telemetry telemetry;

	/** The step whose body ran last, whose end the metrics are told of once recorded. */
	private @Nullable String calledKey;

	/** How long that body ran, in nanoseconds. */
	private long calledNanos;

	/** A step's outcome not stored yet: see {@link #save}. */
	private @Nullable StoredStep unsaved;

	StoreJournal(ClaimedRun run, Event trigger, List<StoredStep> stored, RunWrites writes, EventWriter events,
			LocalFunctions functions, PayloadSerializer serializer, Telemetry telemetry) {
		this.run = run;
		this.trigger = trigger;
		this.writes = writes;
		this.events = events;
		this.functions = functions;
		this.serializer = serializer;
		this.telemetry = telemetry;
		stored.forEach(this::remember);
	}

	@Override
	public Instant now() {
		return this.writes.now();
	}

	@Override
	public @Nullable StoredStep step(String key) {
		return this.steps.get(key);
	}

	@Override
	public List<StoredStep> steps() {
		return this.steps.values().stream().sorted(Comparator.comparingInt(StoredStep::position)).toList();
	}

	@Override
	public @Nullable Interruption pending() {
		if (this.writes.host().isStopping()) {
			return new Interruption.Suspend();
		}
		return this.writes.host().isCancelMarked(this.run.id()) ? new Interruption.Cancelled(null) : null;
	}

	/**
	 * Run a step's body inside its scope: the step key in the MDC, and its observation.
	 */
	@Override
	public @Nullable Object call(StepRef step, int attempt, List<@Nullable Object> arguments, Callable<?> body)
			throws Exception {
		flush();
		long started = System.nanoTime();
		try (StepScope scope = this.telemetry.step(this.run.id(), this.run.functionId(), step.key())) {
			try {
				return body.call();
			}
			catch (Exception | Error ex) {
				scope.error(ex);
				throw ex;
			}
		}
		finally {
			this.calledKey = step.key();
			this.calledNanos = System.nanoTime() - started;
		}
	}

	/**
	 * Tell the metrics that the attempt of a step whose body ran here has ended, once its
	 * outcome committed.
	 * @param key the step key
	 * @param outcome {@code completed}, {@code failed} or {@code retried}
	 */
	void stepEnded(String key, String outcome) {
		if (this.telemetry.isMetering() && key.equals(this.calledKey)) {
			this.telemetry.metrics().stepEnded(this.run.functionId(), outcome, Duration.ofNanos(this.calledNanos));
		}
	}

	/**
	 * Keep a step's outcome until whatever follows it: the next step's body, any other
	 * journal write, or the run's end, which stores it in its own write (see
	 * {@link #flush()}).
	 */
	@Override
	public void save(StoredStep step) {
		flush();
		remember(step);
		this.unsaved = step;
	}

	/**
	 * Store the step kept by {@link #save}, if any, and wait until it has committed: a
	 * step's outcome is durable before anything follows it but the run's end, which a
	 * run's last step commits with, so that a run waits for one commit fewer.
	 * @throws Refusal if the run is no longer this worker's to write
	 */
	void flush() {
		StoredStep step = takeUnsaved();
		if (step == null) {
			return;
		}
		if (!this.writes.saveStep(this.run.id(), step, () -> true)) {
			throw new Refusal(this.writes.stepRefused(this.run.id(), step));
		}
		saved(step);
	}

	/**
	 * Take the step kept by {@link #save}, for the run's end to store.
	 * @return the step, or {@code null}
	 */
	@Nullable StoredStep takeUnsaved() {
		StoredStep step = this.unsaved;
		this.unsaved = null;
		return step;
	}

	/**
	 * Tell the metrics of a step's outcome, once committed.
	 */
	void saved(StoredStep step) {
		if (step.status() == StepStatus.COMPLETED || step.hasFailedForGood()) {
			stepEnded(step.key(), (step.status() == StepStatus.COMPLETED) ? "completed" : "failed");
		}
	}

	@Override
	public void park(StepRef ref, StoredStep step, RunStatus status, Instant due) {
		flush();
		String runId = this.run.id();
		if (!this.writes.saveStep(runId, step, () -> this.writes.store().park(runId, owner(), status, due))) {
			throw refused();
		}
	}

	@Override
	public Waited registerWait(StepRef ref, StoredStep waiting, WaitFor wait) {
		flush();
		StoredStep step = new WaitRegistration(this.run, this.trigger, this.writes, this.serializer).register(waiting,
				wait, this.steps.values());
		remember(step);
		if (step.status() == StepStatus.WAITING) {
			return Waited.parked(requireWakeAt(waiting));
		}
		Event received = StoredEvents.fromJson(step.output(), this.serializer);
		return (received != null) ? Waited.resumed(received) : Waited.parked(this.writes.now());
	}

	@Override
	public StoredStep resolveWait(StoredStep timedOut) {
		flush();
		String runId = this.run.id();
		StoredStep resolved = this.writes.db(() -> {
			if (this.writes.store().resolveWaitingStep(runId, timedOut)) {
				this.writes.store().deleteWait(runId, timedOut.key());
				return timedOut;
			}
			return this.writes.store()
				.steps(runId)
				.stream()
				.filter((step) -> step.key().equals(timedOut.key()))
				.findFirst()
				.orElse(timedOut);
		});
		remember(resolved);
		return resolved;
	}

	@Override
	public SendResult send(StepRef ref, int attempt, List<Event> events, Function<SendResult, StoredStep> row) {
		flush();
		StoredStep[] saved = new StoredStep[1];
		SendResult result = this.writes.db(() -> {
			SendResult sent = this.events.write(events, EventSources.STEP);
			saved[0] = row.apply(sent);
			if (!this.writes.store().saveStep(this.run.id(), owner(), saved[0])) {
				throw refused();
			}
			return sent;
		});
		remember(saved[0]);
		return result;
	}

	@Override
	public boolean hasFunction(String functionId) {
		return this.functions.get(functionId).isPresent() || this.writes.db(() -> this.events.canInvoke(functionId));
	}

	/**
	 * Create the invoked function's run, store the waiting step and park the caller,
	 * together.
	 */
	@Override
	public Instant startInvocation(StepRef ref, StoredStep waiting, String functionId, Event trigger,
			@Nullable Duration timeout) {
		flush();
		String runId = this.run.id();
		Instant wakeAt = requireWakeAt(waiting);
		this.writes.db(() -> {
			if (!this.writes.store().saveStep(runId, owner(), waiting)
					|| !this.writes.store().park(runId, owner(), RunStatus.WAITING, wakeAt)) {
				throw refused();
			}
			return this.events.writeInvocation(trigger, functionId, runId, waiting.key());
		});
		return wakeAt;
	}

	private Refusal refused() {
		return this.writes.refused(this.run.id());
	}

	private void remember(StoredStep step) {
		this.steps.put(step.key(), step);
	}

	private String owner() {
		return this.writes.owner();
	}

	static Instant requireWakeAt(StoredStep step) {
		if (step.wakeAt() == null) {
			throw new IllegalArgumentException("Step '" + step.key() + "' has no due time");
		}
		return step.wakeAt();
	}

}
