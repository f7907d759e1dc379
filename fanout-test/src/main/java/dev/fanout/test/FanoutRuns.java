package dev.fanout.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.spi.PayloadSerializer;

/**
 * Awaits runs in integration tests, on the application's {@link FanoutAdmin}: a run, or
 * all the runs of an event, reaching a status within a timeout. When they do not, it
 * fails at once (a run that ended with another final status) or at the timeout, with an
 * {@link AssertionError} that describes each run: status, attempts, error, and every step
 * with its status, attempts and error. <pre class="code">
 * FanoutRuns runs = new FanoutRuns(admin);
 * EventRuns signup = runs.awaitEvent(eventId,
 *         Map.of("send-welcome-email", RunStatus.COMPLETED, "start-stripe-trial", RunStatus.COMPLETED));
 * StripeCustomer customer = runs.stepOutput(signup.run("start-stripe-trial"), "create-customer", StripeCustomer.class);
 * </pre>
 * <p>
 * Runs that flow control gives several events are found through each of them:
 * <ul>
 * <li>each event of a {@link dev.fanout.Batch @Batch} awaits the batch's one run, whose
 * {@link RunInfo#eventId()} is the batch's first event;</li>
 * <li>the last event of a {@link dev.fanout.Debounce @Debounce} window awaits the run
 * made for the window's first event, which starts a period after the last event (give a
 * longer timeout when the period nears the default one). An earlier event of the window
 * has no run of that function (its other runs are still its own): awaiting it fails at
 * once when the await saw a later event take its run over, and otherwise at the timeout,
 * saying why an event may have no run and showing {@link FanoutAdmin#skippedEvents()}.
 * That an event is one of those skipped cannot be known sooner: the counts do not say
 * which events they are, and an event without runs may yet get them (sent later, or in a
 * transaction not committed yet).</li>
 * </ul>
 * <p>
 * In a Spring test, {@link FanoutRunsExtension} passes one to test methods. Immutable;
 * {@code with} methods return changed copies.
 *
 * @since 0.1.0
 */
public final class FanoutRuns {

	/** The default timeout: long enough for a loaded CI machine, short enough to fail. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(20);

	private final FanoutAdmin admin;

	private final PayloadSerializer serializer;

	private final Duration timeout;

	private final Duration pollInterval;

	/**
	 * Await runs through the given admin, reading outputs with a plain Jackson mapper.
	 * @param admin the application's admin bean
	 */
	public FanoutRuns(FanoutAdmin admin) {
		this(admin, new JacksonPayloadSerializer());
	}

	/**
	 * Await runs through the given admin, reading outputs with the given serializer.
	 * @param admin the application's admin bean
	 * @param serializer the application's serializer
	 */
	public FanoutRuns(FanoutAdmin admin, PayloadSerializer serializer) {
		this(admin, serializer, DEFAULT_TIMEOUT, DEFAULT_POLL_INTERVAL);
	}

	private FanoutRuns(FanoutAdmin admin, PayloadSerializer serializer, Duration timeout, Duration pollInterval) {
		this.admin = Objects.requireNonNull(admin, "admin must not be null");
		this.serializer = Objects.requireNonNull(serializer, "serializer must not be null");
		this.timeout = requirePositive(timeout, "timeout");
		this.pollInterval = requirePositive(pollInterval, "pollInterval");
	}

	/**
	 * A copy with another default timeout (30 seconds unless set).
	 * @param timeout the timeout
	 * @return the copy
	 */
	public FanoutRuns withTimeout(Duration timeout) {
		return new FanoutRuns(this.admin, this.serializer, timeout, this.pollInterval);
	}

	/**
	 * A copy that reads the runs at another interval (20 milliseconds unless set).
	 * @param pollInterval the interval
	 * @return the copy
	 */
	public FanoutRuns withPollInterval(Duration pollInterval) {
		return new FanoutRuns(this.admin, this.serializer, this.timeout, pollInterval);
	}

	/**
	 * Wait for a run to reach a status, within the default timeout.
	 * @param runId the run id
	 * @param status the status
	 * @return the run, with its steps
	 * @throws AssertionError if the run ends with another status or the timeout passes
	 */
	public RunInfo awaitRun(String runId, RunStatus status) {
		return awaitRun(runId, status, this.timeout);
	}

	/**
	 * Wait for a run to reach a status.
	 * @param runId the run id
	 * @param status the status
	 * @param timeout how long to wait
	 * @return the run, with its steps
	 * @throws AssertionError if the run ends with another status or the timeout passes
	 */
	public RunInfo awaitRun(String runId, RunStatus status, Duration timeout) {
		return poll(timeout, () -> {
			Optional<RunInfo> found = this.admin.run(runId);
			if (found.isEmpty()) {
				return Check.pending("there is no run " + runId);
			}
			RunInfo run = found.get();
			if (run.status() == status) {
				return Check.done(run);
			}
			String state = "Run " + run.runId() + " is " + run.status() + ", expected " + status + "\n"
					+ RunDescriptions.describe(run);
			return run.status().isFinal() ? Check.failed(state) : Check.pending(state);
		});
	}

	/**
	 * Wait for a run to end, whatever its final status.
	 * @param runId the run id
	 * @return the run, with its steps
	 * @throws AssertionError if the timeout passes first
	 */
	public RunInfo awaitRunEnded(String runId) {
		return poll(this.timeout, () -> {
			Optional<RunInfo> run = this.admin.run(runId);
			if (run.isPresent() && run.get().status().isFinal()) {
				return Check.done(run.get());
			}
			return Check
				.pending(run.map((found) -> "Run " + runId + " has not ended\n" + RunDescriptions.describe(found))
					.orElse("there is no run " + runId));
		});
	}

	/**
	 * Wait for every run of an event to reach a status: one or more runs, all with it,
	 * within the default timeout. An event of a batch has the batch's run; see the class
	 * description for debounced events.
	 * @param eventId the event id
	 * @param status the status
	 * @return the runs
	 * @throws AssertionError if a run ends with another status, if the event has no run
	 * left since a later event of a {@code @Debounce} window took its run over, or if the
	 * timeout passes
	 */
	public EventRuns awaitEvent(String eventId, RunStatus status) {
		return awaitEvent(eventId, status, this.timeout);
	}

	/**
	 * Wait for every run of an event to reach a status: one or more runs, all with it. An
	 * event of a batch has the batch's run; see the class description for debounced
	 * events.
	 * @param eventId the event id
	 * @param status the status
	 * @param timeout how long to wait
	 * @return the runs
	 * @throws AssertionError if a run ends with another status, if the event has no run
	 * left since a later event of a {@code @Debounce} window took its run over, or if the
	 * timeout passes
	 */
	public EventRuns awaitEvent(String eventId, RunStatus status, Duration timeout) {
		EventReads reads = new EventReads(this.admin, eventId);
		return poll(timeout, () -> {
			List<RunInfo> runs = reads.read();
			String state = "Runs of event " + eventId + " are not all " + status + "\n" + reads.describe(runs);
			if (runs.stream().anyMatch((run) -> run.status() != status && run.status().isFinal())
					|| (runs.isEmpty() && !reads.lost(runs).isEmpty())) {
				return Check.failed(state);
			}
			boolean done = !runs.isEmpty() && runs.stream().allMatch((run) -> run.status() == status);
			return done ? Check.done(new EventRuns(eventId, runs)) : Check.pending(state);
		});
	}

	/**
	 * Wait for the runs of an event to reach a status per function: exactly one run of
	 * each function named, and no other, within the default timeout. An event of a batch
	 * has the batch's run; see the class description for debounced events.
	 * <pre class="code">
	 * runs.awaitEvent(eventId, Map.of("send-welcome-email", FAILED, "start-stripe-trial", COMPLETED));
	 * </pre>
	 * @param eventId the event id
	 * @param statusByFunction the status each function's run must reach
	 * @return the runs
	 * @throws AssertionError if a run ends with another status, if a later event of a
	 * {@code @Debounce} window took over the run of a function named, or if the timeout
	 * passes
	 */
	public EventRuns awaitEvent(String eventId, Map<String, RunStatus> statusByFunction) {
		return awaitEvent(eventId, statusByFunction, this.timeout);
	}

	/**
	 * Wait for the runs of an event to reach a status per function: exactly one run of
	 * each function named, and no other. An event of a batch has the batch's run; see the
	 * class description for debounced events.
	 * @param eventId the event id
	 * @param statusByFunction the status each function's run must reach
	 * @param timeout how long to wait
	 * @return the runs
	 * @throws AssertionError if a run ends with another status, if a later event of a
	 * {@code @Debounce} window took over the run of a function named, or if the timeout
	 * passes
	 */
	public EventRuns awaitEvent(String eventId, Map<String, RunStatus> statusByFunction, Duration timeout) {
		EventReads reads = new EventReads(this.admin, eventId);
		return poll(timeout, () -> {
			List<RunInfo> runs = reads.read();
			List<String> differences = differences(runs, statusByFunction, reads);
			if (differences.isEmpty()) {
				return Check.done(new EventRuns(eventId, runs));
			}
			String state = "Runs of event " + eventId + " do not match " + statusByFunction + ": "
					+ String.join("; ", differences) + "\n" + reads.describe(runs);
			boolean hopeless = runs.stream()
				.anyMatch((run) -> run.status().isFinal() && statusByFunction.containsKey(run.functionId())
						&& run.status() != statusByFunction.get(run.functionId()))
					|| statusByFunction.keySet().stream().anyMatch((functionId) -> reads.lostRunOf(functionId, runs));
			return hopeless ? Check.failed(state) : Check.pending(state);
		});
	}

	/**
	 * Wait for every run of an event to end, whatever their final statuses. An event of a
	 * batch has the batch's run; see the class description for debounced events.
	 * @param eventId the event id
	 * @return the runs
	 * @throws AssertionError if the event has no run left since a later event of a
	 * {@code @Debounce} window took its run over, or if the timeout passes first
	 */
	public EventRuns awaitEventEnded(String eventId) {
		EventReads reads = new EventReads(this.admin, eventId);
		return poll(this.timeout, () -> {
			List<RunInfo> runs = reads.read();
			if (!runs.isEmpty() && runs.stream().allMatch((run) -> run.status().isFinal())) {
				return Check.done(new EventRuns(eventId, runs));
			}
			String state = "Runs of event " + eventId + " have not all ended\n" + reads.describe(runs);
			return (runs.isEmpty() && !reads.lost(runs).isEmpty()) ? Check.failed(state) : Check.pending(state);
		});
	}

	private static List<String> differences(List<RunInfo> runs, Map<String, RunStatus> expected, EventReads reads) {
		List<String> differences = new ArrayList<>();
		Set<String> seen = new LinkedHashSet<>();
		for (RunInfo run : runs) {
			RunStatus wanted = expected.get(run.functionId());
			if (!seen.add(run.functionId())) {
				differences.add("more than one run of '" + run.functionId() + "'");
			}
			else if (wanted == null) {
				differences.add("unexpected run of '" + run.functionId() + "'");
			}
			else if (run.status() != wanted) {
				differences.add("'" + run.functionId() + "' is " + run.status());
			}
		}
		expected.keySet()
			.stream()
			.filter((functionId) -> !seen.contains(functionId))
			// Without runs, the description shows all that flow control skipped.
			.forEach((functionId) -> differences
				.add("no run of '" + functionId + "'" + (runs.isEmpty() ? "" : reads.skippedOf(functionId))));
		return differences;
	}

	/**
	 * One step of a run.
	 * @param run the run
	 * @param key the step key
	 * @return the step
	 * @throws AssertionError if the run has no such step, describing the run
	 */
	public static StepInfo step(RunInfo run, String key) {
		return run.steps()
			.stream()
			.filter((step) -> step.key().equals(key))
			.findFirst()
			.orElseThrow(() -> new AssertionError("Run has no step '" + key + "'\n" + RunDescriptions.describe(run)));
	}

	/**
	 * A completed step's output, read as the given type.
	 * @param <T> the type
	 * @param run the run
	 * @param key the step key
	 * @param type the type
	 * @return the output
	 * @throws AssertionError if the step does not exist or has no output
	 */
	public <T> @Nullable T stepOutput(RunInfo run, String key, Class<T> type) {
		StepInfo step = step(run, key);
		if (step.output() == null) {
			throw new AssertionError(
					"Step '" + key + "' has no output: it is " + step.status() + "\n" + RunDescriptions.describe(run));
		}
		return type.cast(this.serializer.deserialize(step.output(), type));
	}

	/**
	 * A completed run's output, read as the given type.
	 * @param <T> the type
	 * @param run the run
	 * @param type the type
	 * @return the output
	 * @throws AssertionError if the run has no output
	 */
	public <T> @Nullable T output(RunInfo run, Class<T> type) {
		if (run.output() == null) {
			throw new AssertionError("Run has no output: it is " + run.status() + "\n" + RunDescriptions.describe(run));
		}
		return type.cast(this.serializer.deserialize(run.output(), type));
	}

	/**
	 * Describe a run and its steps, as the failures of this class do.
	 * @param run the run
	 * @return the description
	 */
	public static String describe(RunInfo run) {
		return RunDescriptions.describe(run);
	}

	/**
	 * Read until the check is done or fails, or the timeout passes. Parking between reads
	 * is how a poll waits; tests never sleep.
	 */
	private <T> T poll(Duration timeout, Supplier<Check<T>> check) {
		requirePositive(timeout, "timeout");
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		while (true) {
			Check<T> result = check.get();
			if (result.value() != null) {
				return result.value();
			}
			long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			if (result.hopeless()) {
				throw new AssertionError(result.state() + "\n(after " + elapsedMillis + " ms)");
			}
			if (System.nanoTime() - deadline >= 0) {
				throw new AssertionError("Timed out after " + timeout + ": " + result.state());
			}
			LockSupport.parkNanos(Math.min(this.pollInterval.toNanos(), Math.max(deadline - System.nanoTime(), 1)));
			if (Thread.interrupted()) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting: " + result.state());
			}
		}
	}

	private static Duration requirePositive(Duration duration, String name) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, not " + duration);
		}
		return duration;
	}

	/**
	 * What one read found: the value when done, else the state to report, and whether
	 * waiting longer cannot help.
	 */
	private record Check<T>(@Nullable T value, String state, boolean hopeless) {

		static <T> Check<T> done(T value) {
			return new Check<>(value, "", false);
		}

		static <T> Check<T> pending(String state) {
			return new Check<>(null, state, false);
		}

		static <T> Check<T> failed(String state) {
			return new Check<>(null, state, true);
		}

	}

}
