package dev.fanout.test;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.engine.support.Errors;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.StoredStep;

/**
 * The outcome of running one function with {@link FunctionTester}: its status, output or
 * error, its steps as the engine would have stored them, and what the test needs to check
 * (the calls of each step's body or mock, the events sent). Times are virtual. Immutable.
 * <p>
 * {@link #toString()} describes the run with every step, so it makes a good assertion
 * description: {@code assertThat(run.status()).as(run::toString).isEqualTo(COMPLETED)},
 * or use {@link #assertStatus(RunStatus)}.
 *
 * @since 0.1.0
 */
public final class FunctionRun {

	private final TestSetup setup;

	private final RunStatus status;

	private final int attempts;

	private final @Nullable Object output;

	private final @Nullable String outputJson;

	private final @Nullable Throwable error;

	private final List<StoredStep> rows;

	private final Map<String, List<StepCall>> calls;

	private final List<Event> sentEvents;

	private final Set<String> unusedMocks;

	private final Instant startedAt;

	private final Instant endedAt;

	FunctionRun(TestSetup setup, RunMemory memory, RunStatus status, @Nullable Object output,
			@Nullable String outputJson, @Nullable Throwable error) {
		this.setup = setup;
		this.status = status;
		this.attempts = memory.invocations;
		this.output = output;
		this.outputJson = outputJson;
		this.error = error;
		this.rows = List.copyOf(memory.steps());
		Map<String, List<StepCall>> calls = new LinkedHashMap<>();
		memory.calls().forEach((key, list) -> calls.put(key, List.copyOf(list)));
		this.calls = Collections.unmodifiableMap(calls);
		this.sentEvents = List.copyOf(memory.sentEvents());
		Set<String> unused = new LinkedHashSet<>(setup.mocks().keySet());
		unused.removeAll(memory.usedMocks());
		this.unusedMocks = Set.copyOf(unused);
		this.startedAt = memory.startedAt();
		this.endedAt = memory.now();
	}

	/**
	 * The run id the function saw.
	 * @return the run id
	 */
	public String runId() {
		return this.setup.runId();
	}

	/**
	 * The id of the function under test.
	 * @return the function id
	 */
	public String functionId() {
		return this.setup.function().id();
	}

	/**
	 * The event that triggered the run: for a {@link dev.fanout.Batch batched} run, the
	 * first of its events.
	 * @return the event
	 */
	public Event event() {
		return this.setup.event();
	}

	/**
	 * The run's events, as the function received them: a {@link dev.fanout.Batch batched}
	 * run's events, the trigger first, or the trigger alone.
	 * @return the events, at least one
	 */
	public List<Event> events() {
		return this.setup.events();
	}

	/**
	 * Where the run ended: {@link RunStatus#COMPLETED}, {@link RunStatus#FAILED}, or
	 * {@link RunStatus#RUNNING} when {@link FunctionTester#executeUntil(String)} stopped
	 * it.
	 * @return the status
	 */
	public RunStatus status() {
		return this.status;
	}

	/**
	 * How many times the function was invoked, as {@link RunInfo#attempts()} counts them:
	 * once, plus once for each retry and each resume after a sleep, wait or invoke.
	 * @return the invocations
	 */
	public int attempts() {
		return this.attempts;
	}

	/**
	 * What the function returned, as it returned it.
	 * @return the return value, or {@code null} if none or the run did not complete
	 */
	public @Nullable Object output() {
		return this.output;
	}

	/**
	 * The run's output as stored (JSON), read as the given type.
	 * @param <T> the type
	 * @param type the type
	 * @return the output
	 * @throws AssertionError if the run did not complete
	 */
	public <T> @Nullable T output(Class<T> type) {
		if (this.status != RunStatus.COMPLETED || this.outputJson == null) {
			throw new AssertionError("The run has no output: it is " + this.status + "\n" + this);
		}
		return type.cast(this.setup.serializer().deserialize(this.outputJson, type));
	}

	/**
	 * The run's output as the engine would store it.
	 * @return the JSON, or {@code null} if the run did not complete
	 */
	public @Nullable String outputJson() {
		return this.outputJson;
	}

	/**
	 * What failed the run: for a step that failed for good, the
	 * {@link dev.fanout.StepFailedException} thrown into the function, with the step's
	 * error as its cause.
	 * @return the error, or {@code null} unless the run failed
	 */
	public @Nullable Throwable error() {
		return this.error;
	}

	/**
	 * The steps in the order the run first reached them, as
	 * {@link dev.fanout.FanoutAdmin} would show them.
	 * @return the steps
	 */
	public List<StepInfo> steps() {
		return this.rows.stream().map(FunctionRun::info).toList();
	}

	/**
	 * One step.
	 * @param key the step key ({@code id}, or {@code id:n} for a repeat)
	 * @return the step
	 * @throws AssertionError if the run has no such step, listing those it has
	 */
	public StepInfo step(String key) {
		return info(row(key));
	}

	/**
	 * A completed step's stored output, read as the given type.
	 * @param <T> the type
	 * @param key the step key
	 * @param type the type
	 * @return the output
	 * @throws AssertionError if the step does not exist or did not complete
	 */
	public <T> @Nullable T stepOutput(String key, Class<T> type) {
		StoredStep row = row(key);
		if (row.status() != StepStatus.COMPLETED || row.output() == null) {
			throw new AssertionError("Step '" + key + "' has no output: it is " + row.status() + "\n" + this);
		}
		return type.cast(this.setup.serializer().deserialize(row.output(), type));
	}

	/**
	 * The calls of a step's body or mock, in order: one per attempt that really ran.
	 * Replays of a completed step make no call.
	 * @param key the step key
	 * @return the calls, empty if the step never ran
	 */
	public List<StepCall> stepCalls(String key) {
		return this.calls.getOrDefault(key, List.of());
	}

	/**
	 * The events the function sent with {@code step.sendEvent}, once each.
	 * @return the events
	 */
	public List<Event> sentEvents() {
		return this.sentEvents;
	}

	/**
	 * The step ids and keys given to {@link FunctionTester#mockStep} that no step used: a
	 * typo, or a step the run never reached.
	 * @return the unused mocks
	 */
	public Set<String> unusedMocks() {
		return this.unusedMocks;
	}

	/**
	 * How much virtual time the run took: its sleeps, wait timeouts and retry backoff.
	 * @return the virtual duration
	 */
	public Duration elapsed() {
		return Duration.between(this.startedAt, this.endedAt);
	}

	/**
	 * Fail unless the run ended with the given status.
	 * @param expected the expected status
	 * @return this run
	 * @throws AssertionError describing the run and its steps
	 */
	public FunctionRun assertStatus(RunStatus expected) {
		if (this.status != expected) {
			AssertionError failure = new AssertionError("Expected the run to be " + expected + "\n" + this);
			if (this.error != null) {
				failure.initCause(this.error);
			}
			throw failure;
		}
		return this;
	}

	/**
	 * The run as {@link dev.fanout.FanoutAdmin} would report it, in virtual time.
	 * @return the run
	 */
	public RunInfo toRunInfo() {
		return new RunInfo(runId(), functionId(), this.setup.event().id(), this.status, this.attempts, this.outputJson,
				(this.error != null) ? Errors.describe(this.error) : null, this.startedAt, this.startedAt,
				this.status.isFinal() ? this.endedAt : null, steps());
	}

	List<StoredStep> rows() {
		return this.rows;
	}

	private StoredStep row(String key) {
		return this.rows.stream()
			.filter((row) -> row.key().equals(key))
			.findFirst()
			.orElseThrow(() -> new AssertionError("The run has no step '" + key + "'\n" + this));
	}

	/**
	 * A step as {@link dev.fanout.FanoutAdmin} would show it: a step that has not
	 * completed shows no output.
	 */
	private static StepInfo info(StoredStep step) {
		String output = (step.status() == StepStatus.COMPLETED) ? step.output() : null;
		return new StepInfo(step.key(), step.status(), output, step.error(), step.attempts(), step.startedAt(),
				step.endedAt());
	}

	PayloadSerializer serializer() {
		return this.setup.serializer();
	}

	@Override
	public String toString() {
		return RunDescriptions.describe(toRunInfo());
	}

}
