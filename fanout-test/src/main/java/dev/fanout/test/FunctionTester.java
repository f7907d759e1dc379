package dev.fanout.test;

import java.beans.Introspector;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

import dev.fanout.Batch;
import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.StepStatus;
import dev.fanout.engine.function.AnnotatedFunctions;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.engine.step.StepOutputs;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.StoredStep;

/**
 * Runs one {@link EventFunction} in isolation: plain Java, no Spring context, no
 * database, no waiting. The function runs with the engine's semantics, in memory:
 * <ul>
 * <li>completed steps are memoized, repeats of a step id are keyed {@code id:1},
 * {@code id:2}, ...; every step output makes the JSON round trip, so a value that could
 * not be stored fails the step with a clear error;</li>
 * <li>a failing step is retried with the function's {@code retries} and
 * {@code noRetryFor} (attempts are counted, backoff is skipped): the function is invoked
 * again from the top and earlier steps replay; a step that fails for good throws
 * {@link dev.fanout.StepFailedException} into the function; failures outside steps are
 * retried with the same limit;</li>
 * <li>sleeps end at once in virtual time; a {@code waitForEvent} receives a mocked or
 * {@linkplain #incomingEvent(Event...) incoming} event, or times out; an {@code invoke}
 * returns its mocked result; after each pause the function is invoked again from the top,
 * as the engine does.</li>
 * </ul>
 * <pre class="code">
 * FunctionRun run = FunctionTester.of(new StripeTrialFunction(billing, properties))
 *     .event(Event.of("app/user.signup", Map.of("user", Map.of("id", 1, "email", "a@b.c"))))
 *     .mockStep("create-customer", new StripeCustomer("cus_1", "a@b.c"))
 *     .execute();
 * assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
 * assertThat(run.stepCalls("create-subscription")).hasSize(1);
 * </pre>
 * <p>
 * A {@link Batch @Batch} function's run gets several events, as the engine gathers them:
 * its {@code List<Event>} parameter and {@link dev.fanout.RunContext#events()} receive
 * them, and the first is the trigger. <pre class="code">
 * FunctionRun run = FunctionTester.of(new ImportRows(repository))
 *     .events(List.of(row("a"), row("b"), row("c")))
 *     .execute();
 * </pre>
 * <p>
 * Steps without a mock run their real body. A mock is called only when the step would
 * really run (not when it replays), receives the step's arguments, and a mock that throws
 * is handled exactly as the step's body throwing.
 * <p>
 * Not thread-safe: configure and execute a tester in one test. Each {@code execute}
 * starts a new run from the configuration.
 *
 * @since 0.1.0
 */
public final class FunctionTester {

	/**
	 * The default backoff without its jitter: backoff only moves the virtual clock, and a
	 * test reads the same times on every run.
	 */
	private static final Backoff VIRTUAL_BACKOFF = new Backoff(Backoff.DEFAULT_DELAYS, 0);

	private final Object bean;

	private final Method method;

	private final EventFunction annotation;

	/** The run's events: its trigger first, then, for a batch, the others. */
	private List<Event> events = List.of();

	private final Map<String, StepAnswer> mocks = new LinkedHashMap<>();

	private final List<Event> incoming = new ArrayList<>();

	private final Map<String, @Nullable Object> givenOutputs = new LinkedHashMap<>();

	private final Map<String, StoredStep> resumedSteps = new LinkedHashMap<>();

	private @Nullable Integer retries;

	private String runId = "test-run";

	private @Nullable Instant start;

	private PayloadSerializer serializer = new JacksonPayloadSerializer();

	private FunctionTester(Object bean, Method method, EventFunction annotation) {
		this.bean = bean;
		this.method = method;
		this.annotation = annotation;
		definition();
	}

	/**
	 * A tester for the one {@link EventFunction} method of a bean.
	 * @param bean the bean, built with the collaborators (fakes or mocks) the test wants
	 * @return the tester
	 * @throws IllegalArgumentException if the bean has no function or several
	 * @throws IllegalStateException if the function's declaration is invalid, as at
	 * startup
	 */
	public static FunctionTester of(Object bean) {
		Map<Method, EventFunction> functions = functionsOf(bean);
		if (functions.size() != 1) {
			throw new IllegalArgumentException(ClassUtils.getUserClass(bean).getName() + " has " + functions.size()
					+ " @EventFunction methods " + ids(functions) + "; name the one to test with of(bean, id)");
		}
		Map.Entry<Method, EventFunction> function = functions.entrySet().iterator().next();
		return new FunctionTester(bean, function.getKey(), function.getValue());
	}

	/**
	 * A tester for the {@link EventFunction} method with the given id.
	 * @param bean the bean, built with the collaborators (fakes or mocks) the test wants
	 * @param functionId the function id
	 * @return the tester
	 * @throws IllegalArgumentException if the bean has no function with that id
	 * @throws IllegalStateException if the function's declaration is invalid, as at
	 * startup
	 */
	public static FunctionTester of(Object bean, String functionId) {
		Map<Method, EventFunction> functions = functionsOf(bean);
		return functions.entrySet()
			.stream()
			.filter((function) -> function.getValue().id().equals(functionId))
			.findFirst()
			.map((function) -> new FunctionTester(bean, function.getKey(), function.getValue()))
			.orElseThrow(() -> new IllegalArgumentException(ClassUtils.getUserClass(bean).getName()
					+ " has no @EventFunction with id '" + functionId + "'; it has " + ids(functions)));
	}

	private static Map<Method, EventFunction> functionsOf(Object bean) {
		Class<?> type = ClassUtils.getUserClass(bean);
		Map<Method, EventFunction> found = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<EventFunction>) (candidate) -> AnnotatedElementUtils
					.findMergedAnnotation(candidate, EventFunction.class));
		Map<Method, EventFunction> invocable = new LinkedHashMap<>();
		found.forEach((method, annotation) -> invocable
			.put(MethodIntrospector.selectInvocableMethod(method, bean.getClass()), annotation));
		return invocable;
	}

	private static List<String> ids(Map<Method, EventFunction> functions) {
		return functions.values().stream().map(EventFunction::id).sorted().toList();
	}

	/**
	 * Set the event that triggers the run, replacing any event or events set before. For
	 * a {@link Batch @Batch} function, a batch of one.
	 * @param event the event; it must trigger the function (name and filter)
	 * @return this tester
	 */
	public FunctionTester event(Event event) {
		Objects.requireNonNull(event, "event must not be null");
		this.events = List.of(event);
		return this;
	}

	/**
	 * Set the events of a {@link Batch @Batch} function's run, replacing any event or
	 * events set before. The function receives them as the engine gives it a batch: its
	 * {@code List<Event>} parameter and {@link dev.fanout.RunContext#events()} in this
	 * order; the first is the trigger ({@code Event} and data parameters,
	 * {@link dev.fanout.RunContext#event()}, {@link FunctionRun#event()}). As in the
	 * engine, each must trigger the function and, for a batch with a {@code key}, have
	 * the first one's key; {@link #execute()} checks that.
	 * @param events the events, in the order they were sent
	 * @return this tester
	 * @throws IllegalArgumentException if there is no event, an event twice (the same
	 * id), more than the function's {@code @Batch maxSize}, or more than one for a
	 * function that is not {@code @Batch}
	 */
	public FunctionTester events(List<Event> events) {
		this.events = RunEvents.checked(definition(), events);
		return this;
	}

	/**
	 * Set the event that triggers the run.
	 * @param name the event name
	 * @param data the event data: a map, a record or a POJO
	 * @return this tester
	 */
	public FunctionTester event(String name, Object data) {
		return event(Event.of(name, data));
	}

	/**
	 * Make a step output the given value instead of running its body. The value makes the
	 * JSON round trip like any output. For a {@code waitForEvent} give the {@link Event}
	 * that arrives (or {@code null} for a timeout); for an {@code invoke}, the invoked
	 * function's output.
	 * @param idOrKey the step id (every repeat) or key ({@code id:n}, that repeat only)
	 * @param output the output; write {@code (Object) null} for {@code null}
	 * @return this tester
	 */
	public FunctionTester mockStep(String idOrKey, @Nullable Object output) {
		return mockStep(idOrKey, (StepAnswer) (call) -> output);
	}

	/**
	 * Replace a step's body: it is called instead, once per attempt, and what it returns
	 * or throws counts as the step's.
	 * @param idOrKey the step id (every repeat) or key ({@code id:n}, that repeat only)
	 * @param body the replacement body
	 * @return this tester
	 */
	public FunctionTester mockStep(String idOrKey, Callable<?> body) {
		return mockStep(idOrKey, (StepAnswer) (call) -> body.call());
	}

	/**
	 * Answer a step with the {@link StepCall}: its attempt and arguments. A
	 * {@code waitForEvent} mock gets the event name, timeout and match; an {@code invoke}
	 * mock the function id, data and timeout; a {@code sendEvent} mock the events.
	 * <pre class="code">
	 * tester.mockStep("send-email", (call) -&gt; {
	 *     if (call.attempt() &lt; 2) {
	 *         throw new IOException("SMTP down");
	 *     }
	 *     return receipt;
	 * });
	 * </pre>
	 * @param idOrKey the step id (every repeat) or key ({@code id:n}, that repeat only)
	 * @param answer the answer
	 * @return this tester
	 */
	public FunctionTester mockStep(String idOrKey, StepAnswer answer) {
		this.mocks.put(idOrKey, answer);
		return this;
	}

	/**
	 * Events that arrive while the run goes on: an unmocked {@code waitForEvent} receives
	 * the first one with its event name for which its match is true, and times out when
	 * there is none.
	 * @param events the events
	 * @return this tester
	 */
	public FunctionTester incomingEvent(Event... events) {
		this.incoming.addAll(Arrays.asList(events));
		return this;
	}

	/**
	 * Start as if a step had already completed with the given output in an earlier
	 * attempt: the step replays it and its body is not called, as when a run resumes
	 * after a crash or a failure.
	 * @param key the step key
	 * @param output the stored output; it makes the JSON round trip
	 * @return this tester
	 */
	public FunctionTester withCompletedStep(String key, @Nullable Object output) {
		this.givenOutputs.put(key, output);
		return this;
	}

	/**
	 * Start from the completed steps of an earlier run, as a replay in {@code RESUME}
	 * mode does: completed steps replay, the others (such as the step that failed) run
	 * again, with fresh attempt counts. Also continues a run that
	 * {@link #executeUntil(String)} stopped. The earlier run's event (or batch of events)
	 * is used unless one was set.
	 * @param previous the earlier run
	 * @return this tester
	 */
	public FunctionTester resumeFrom(FunctionRun previous) {
		if (this.events.isEmpty()) {
			this.events = previous.events();
		}
		for (StoredStep row : previous.rows()) {
			if (row.status() == StepStatus.COMPLETED) {
				this.resumedSteps.put(row.key(), row);
			}
		}
		return this;
	}

	/**
	 * Override the annotation's retries, as {@code fanout.functions.<id>.retries} does.
	 * @param retries the retries after a first attempt, 0 to 20
	 * @return this tester
	 */
	public FunctionTester retries(int retries) {
		this.retries = retries;
		definition();
		return this;
	}

	/**
	 * Set the run id the function sees ({@code "test-run"} by default).
	 * @param runId the run id
	 * @return this tester
	 */
	public FunctionTester runId(String runId) {
		this.runId = runId;
		return this;
	}

	/**
	 * Set the virtual time the run starts at (by default the event's timestamp).
	 * @param time the start time
	 * @return this tester
	 */
	public FunctionTester startingAt(Instant time) {
		this.start = time;
		return this;
	}

	/**
	 * Use the given serializer for event data and step outputs, for example one on the
	 * application's {@code JsonMapper}, so its modules apply.
	 * @param serializer the serializer
	 * @return this tester
	 */
	public FunctionTester serializer(PayloadSerializer serializer) {
		this.serializer = serializer;
		return this;
	}

	/**
	 * Whether an event triggers the function: its name matches a trigger and the filter
	 * is true for it. Flow control aside: for a {@link Batch @Batch} function, whether
	 * the event goes into one of its batches; for a {@link dev.fanout.Debounce @Debounce}
	 * one, whether it goes into a window.
	 * @param event the event
	 * @return whether a run would be created, or the event added to one
	 */
	public boolean isTriggeredBy(Event event) {
		return definition().isTriggeredBy(event);
	}

	/**
	 * Run the function until it completes or fails for good.
	 * @return the run
	 * @throws AssertionError if the set-up cannot work: no event, an event that does not
	 * trigger the function, events of a batch with different keys, an {@code invoke}
	 * without a mock, a mocked event a wait would not accept
	 */
	public FunctionRun execute() {
		return execute(null);
	}

	/**
	 * Run the function until a step's result reaches it, and stop there: its status is
	 * then {@link dev.fanout.RunStatus#RUNNING}. For a step that fails for good, it stops
	 * before the {@link dev.fanout.StepFailedException} reaches the function.
	 * @param stepKey the step key ({@code id}, or {@code id:n} for a repeat)
	 * @return the run
	 * @throws AssertionError if the run ends without reaching the step, or as
	 * {@link #execute()}
	 */
	public FunctionRun executeUntil(String stepKey) {
		return execute(stepKey);
	}

	private FunctionRun execute(@Nullable String stopAfter) {
		FunctionDefinition function = definition();
		if (this.events.isEmpty()) {
			throw new AssertionError("No event to run function '" + function.id() + "' with: call event(...) first");
		}
		RunEvents.checkRunnable(function, this.events);
		TestSetup setup = new TestSetup(function, this.events, this.runId, new LinkedHashMap<>(this.mocks),
				List.copyOf(this.incoming), this.serializer, EngineSettings.DEFAULTS.limits(), stopAfter);
		Instant startedAt = (this.start != null) ? this.start : setup.event().ts();
		return new TestRunner(setup, startedAt,
				completedSteps(startedAt, new StepOutputs(this.serializer, setup.limits())))
			.run();
	}

	private List<StoredStep> completedSteps(Instant startedAt, StepOutputs outputs) {
		Map<String, StoredStep> rows = new LinkedHashMap<>(this.resumedSteps);
		int position = rows.size();
		for (Map.Entry<String, @Nullable Object> given : this.givenOutputs.entrySet()) {
			StepOutputs.Encoded output;
			try {
				output = outputs.encode(given.getKey(), null, given.getValue());
			}
			catch (NonRetriableException ex) {
				throw new IllegalArgumentException("withCompletedStep(\"" + given.getKey() + "\"): " + ex.getMessage(),
						ex);
			}
			StoredStep previous = rows.get(given.getKey());
			rows.put(given.getKey(),
					StoredStep.of(given.getKey(), (previous != null) ? previous.position() : position++, startedAt)
						.completed(output.json(), output.type(), startedAt));
		}
		return List.copyOf(rows.values());
	}

	private FunctionDefinition definition() {
		return AnnotatedFunctions.of(Introspector.decapitalize(ClassUtils.getUserClass(this.bean).getSimpleName()),
				this.bean, this.method, this.annotation, new AnnotatedFunctions.Overrides(this.retries, null, null),
				VIRTUAL_BACKOFF, this.serializer);
	}

}
