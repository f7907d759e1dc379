package dev.fanout.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;
import org.springframework.util.StringUtils;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.SendResult;
import dev.fanout.StepStatus;
import dev.fanout.engine.EventExpressions;
import dev.fanout.engine.Limits;
import dev.fanout.spi.PayloadSerializer;

/**
 * Sleeps, waits, sends and invokes, in memory and in virtual time, mirroring the engine's
 * {@code FlowSteps}: a pause parks the run and the function is invoked again from the top
 * when it is due, which here is at once, with the virtual clock moved to the due time.
 */
final class TestFlowSteps {

	/** The longest pause, as in the engine. */
	static final Duration MAX_PAUSE = Duration.ofDays(366);

	private static final String FUNCTION_INVOKED = "fanout/function.invoked";

	private static final String RESERVED_PREFIX = "fanout/";

	private final TestInvocation invocation;

	TestFlowSteps(TestInvocation invocation) {
		this.invocation = invocation;
	}

	void sleep(String id, Duration duration) {
		if (duration == null || duration.isNegative()) {
			throw new NonRetriableException("sleep '" + id + "' needs a duration of zero or more, not " + duration);
		}
		checkPause("sleep '" + id + "'", duration);
		sleeping(id, (now) -> now.plus(duration));
	}

	void sleepUntil(String id, Instant until) {
		if (until == null) {
			throw new NonRetriableException("sleepUntil '" + id + "' needs a time");
		}
		sleeping(id, (now) -> {
			checkPause("sleepUntil '" + id + "'", Duration.between(now, until));
			return until;
		});
	}

	private void sleeping(String id, UnaryOperator<Instant> dueFromNow) {
		TestInvocation.Step step = this.invocation.begin(id);
		StepRow stored = step.stored();
		if (stored != null && stored.isCompleted()) {
			this.invocation.settle(step, null);
			return;
		}
		if (this.invocation.isMocked(step)) {
			throw this.invocation.misuse("Step '" + step.key() + "' is a sleep, which cannot be mocked: sleeps "
					+ "end at once in virtual time; use executeUntil to stop before one");
		}
		Instant now = this.invocation.now();
		Instant due = (stored != null && stored.wakeAt() != null) ? stored.wakeAt() : dueFromNow.apply(now);
		String output = serializer().serialize(due.toString());
		if (!due.isAfter(now)) {
			this.invocation.save(row(step, StepStatus.COMPLETED, output, null, now));
			this.invocation.settle(step, null);
			return;
		}
		throw park(row(step, StepStatus.SLEEPING, output, due, null), due);
	}

	Optional<Event> waitForEvent(String id, String eventName, Duration timeout, @Nullable String match) {
		TestInvocation.Step step = this.invocation.begin(id);
		StepRow stored = step.stored();
		if (stored != null && stored.isCompleted()) {
			return settledEvent(step, stored);
		}
		if (!StringUtils.hasText(eventName)) {
			throw new NonRetriableException("waitForEvent '" + id + "' needs an event name");
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new NonRetriableException("waitForEvent '" + id + "' needs a positive timeout, not " + timeout);
		}
		checkPause("waitForEvent '" + id + "'", timeout);
		String source = StringUtils.hasText(match) ? match : null;
		Expression expression = (source != null) ? parseMatch(id, source) : null;
		Instant now = this.invocation.now();
		if (stored != null && stored.wakeAt() != null) {
			// Invoked again after the park: the event arrived, or the wait timed out.
			boolean timedOut = stored.output() == null;
			StepRow resolved = row(step, StepStatus.COMPLETED, timedOut ? "null" : stored.output(), null, now);
			this.invocation.save(resolved);
			return settledEvent(step, resolved);
		}
		Event arrived = arrivingEvent(step, eventName, timeout, source, expression);
		Instant expires = now.plus(timeout);
		String output = (arrived != null) ? serializer().serialize(EventExpressions.asMap(arrived)) : null;
		throw park(row(step, StepStatus.WAITING, output, expires, null), (arrived != null) ? now : expires);
	}

	/**
	 * The event that resumes a wait: the mock's answer, else the first incoming event of
	 * that name for which the match is true, else none (a timeout).
	 */
	private @Nullable Event arrivingEvent(TestInvocation.Step step, String eventName, Duration timeout,
			@Nullable String source, @Nullable Expression expression) {
		Object answer;
		try {
			answer = this.invocation.call(step, 1, Arrays.asList(eventName, timeout, source),
					(call) -> firstMatching(eventName, expression));
		}
		catch (Halt.Signal signal) {
			throw signal;
		}
		catch (Exception ex) {
			throw TestErrors.sneakyThrow(ex);
		}
		if (answer instanceof Optional<?> optional) {
			answer = optional.orElse(null);
		}
		if (answer == null) {
			return null;
		}
		if (!(answer instanceof Event event)) {
			throw this.invocation.misuse("The mock of waitForEvent '" + step.key() + "' returned a "
					+ answer.getClass().getName() + "; it must return the Event that arrives, or null for a timeout");
		}
		if (!event.name().equals(eventName)) {
			throw this.invocation.misuse("The mock of waitForEvent '" + step.key() + "' returned an event named '"
					+ event.name() + "', but the wait is for '" + eventName + "': that event would not resume it");
		}
		if (expression != null && !matches(expression, event)) {
			throw this.invocation
				.misuse("The mock of waitForEvent '" + step.key() + "' returned " + event + " with data " + event.data()
						+ ", for which the match '" + source + "' is false: that event would not resume it");
		}
		return event;
	}

	private @Nullable Event firstMatching(String eventName, @Nullable Expression expression) {
		for (Event candidate : this.invocation.setup().incoming()) {
			if (candidate.name().equals(eventName) && (expression == null || matches(expression, candidate))) {
				return candidate;
			}
		}
		return null;
	}

	private boolean matches(Expression expression, Event candidate) {
		return EventExpressions.isTrue(expression, Map.of("event", EventExpressions.asMap(this.invocation.event()),
				"async", EventExpressions.asMap(candidate)));
	}

	private Optional<Event> settledEvent(TestInvocation.Step step, StepRow stored) {
		Event event = eventFromJson(stored.output());
		this.invocation.settle(step, event);
		return Optional.ofNullable(event);
	}

	@SuppressWarnings("unchecked")
	private @Nullable Event eventFromJson(@Nullable String json) {
		Map<String, Object> map = (json != null) ? (Map<String, Object>) serializer().deserialize(json, Map.class)
				: null;
		if (map == null) {
			return null;
		}
		return Event.builder(String.valueOf(map.get("name")))
			.id(String.valueOf(map.get("id")))
			.data(map.get("data"))
			.user(map.get("user"))
			.ts(Instant.ofEpochMilli(((Number) map.get("ts")).longValue()))
			.v((map.get("v") != null) ? String.valueOf(map.get("v")) : null)
			.build();
	}

	SendResult sendEvent(String id, Event... events) {
		TestInvocation.Step step = this.invocation.begin(id);
		StepRow stored = step.stored();
		if (stored != null && stored.isCompleted()) {
			SendResult result = (SendResult) serializer().deserialize(String.valueOf(stored.output()),
					SendResult.class);
			return (SendResult) this.invocation.settle(step, result);
		}
		this.invocation.throwIfFailed(step);
		if (events == null || events.length == 0) {
			throw new NonRetriableException("sendEvent '" + id + "' needs at least one event");
		}
		Instant startedAt = (stored != null) ? stored.startedAt() : this.invocation.now();
		int attempts = ((stored != null) ? stored.attempts() : 0) + 1;
		List<Event> sent = List.of(events);
		SendResult result;
		try {
			validate(sent);
			Object answer = this.invocation.call(step, attempts, new ArrayList<>(sent), (call) -> null);
			result = (answer != null) ? (SendResult) answer
					: new SendResult(sent.stream().map(Event::id).toList(), List.of());
		}
		catch (Halt.Signal signal) {
			throw signal;
		}
		catch (IllegalArgumentException ex) {
			throw this.invocation.failed(step, startedAt, attempts,
					new NonRetriableException("sendEvent '" + id + "' was refused: " + ex.getMessage(), ex));
		}
		catch (Exception ex) {
			throw this.invocation.failed(step, startedAt, attempts, ex);
		}
		this.invocation
			.save(new StepRow(step.key(), step.position(), StepStatus.COMPLETED, serializer().serialize(result),
					SendResult.class.getName(), null, attempts, null, startedAt, this.invocation.now()));
		this.invocation.memory().recordSent(sent);
		return (SendResult) this.invocation.settle(step, result);
	}

	/**
	 * The checks the engine makes before it sends anything: reserved names, which only
	 * fanout itself may send, then the limits.
	 */
	private void validate(List<Event> events) {
		for (Event event : events) {
			if (event != null && event.name().startsWith(RESERVED_PREFIX)) {
				throw new IllegalArgumentException("Event name '" + event.name()
						+ "' is reserved: names starting with '" + RESERVED_PREFIX + "' are sent by fanout itself");
			}
		}
		Limits limits = this.invocation.setup().limits();
		if (events.size() > limits.maxEventsPerSend()) {
			throw new IllegalArgumentException("Cannot send " + events.size() + " events at once: the limit is "
					+ limits.maxEventsPerSend() + " (fanout.events.max-batch-size)");
		}
		for (int i = 0; i < events.size(); i++) {
			Event event = events.get(i);
			if (event == null) {
				throw new IllegalArgumentException("events must not contain null");
			}
			String where = (events.size() > 1) ? "Event " + i + " ('" + event.name() + "')"
					: "Event '" + event.name() + "'";
			if (event.name().isBlank() || event.name().length() > limits.maxEventNameLength()) {
				throw new IllegalArgumentException(where + ": name must be 1 to " + limits.maxEventNameLength()
						+ " characters (fanout.limits.max-event-name-length), not " + event.name().length());
			}
			if (event.id().isBlank() || event.id().length() > 128) {
				throw new IllegalArgumentException(where + ": id must be 1 to 128 characters");
			}
			long size = utf8Length(serializer().serialize(event.data()))
					+ (event.user().isEmpty() ? 0 : utf8Length(serializer().serialize(event.user())));
			if (size > limits.maxPayloadSize()) {
				throw new IllegalArgumentException(where + ": payload is " + size + " bytes, over the limit of "
						+ limits.maxPayloadSize() + " bytes (fanout.events.max-payload-size)");
			}
		}
	}

	<T> T invoke(String id, String functionId, Object data, Class<T> resultType, @Nullable Duration timeout) {
		TestInvocation.Step step = this.invocation.begin(id);
		StepRow stored = step.stored();
		if (stored == null) {
			throw startInvocation(step, functionId, data, timeout);
		}
		this.invocation.throwIfFailed(step);
		T result = resultType.cast(serializer().deserialize(String.valueOf(stored.output()), resultType));
		this.invocation.settle(step, result);
		return result;
	}

	/**
	 * Ask the mock for the invoked function's outcome and park the run; the next
	 * invocation finds the step completed or failed, as the engine's does once the child
	 * run ends. The step is never retried: the invoked function has used its own retries.
	 */
	private Halt.Signal startInvocation(TestInvocation.Step step, String functionId, Object data,
			@Nullable Duration timeout) {
		Instant now = this.invocation.now();
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new NonRetriableException("invoke '" + step.key() + "' needs a positive timeout, not " + timeout);
		}
		checkPause("invoke '" + step.key() + "'", (timeout != null) ? timeout : MAX_PAUSE);
		if (!this.invocation.isMocked(step)) {
			throw this.invocation.misuse("Step '" + step.key() + "' invokes function '" + functionId
					+ "', which FunctionTester does not run: mock its result with mockStep(\"" + step.id()
					+ "\", result), or make the mock throw to simulate its failure");
		}
		Event event = Event.of(FUNCTION_INVOKED, data);
		StepRow outcome;
		try {
			Object output = this.invocation.call(step, 1, Arrays.asList(functionId, event.data(), timeout),
					(call) -> null);
			outcome = row(step, StepStatus.COMPLETED, serializer().serialize(output), null, now);
		}
		catch (Halt.Signal signal) {
			throw signal;
		}
		catch (Throwable ex) {
			outcome = new StepRow(step.key(), step.position(), StepStatus.FAILED, null, null,
					"Invoked function '" + functionId + "' (mocked) failed: " + TestErrors.describe(ex), 1, null, now,
					now);
		}
		return park(outcome, now);
	}

	private Halt.Signal park(StepRow row, Instant due) {
		this.invocation.save(row);
		return this.invocation.interrupt(new Halt.Parked(due));
	}

	private StepRow row(TestInvocation.Step step, StepStatus status, @Nullable String output, @Nullable Instant wakeAt,
			@Nullable Instant endedAt) {
		Instant startedAt = (step.stored() != null) ? step.stored().startedAt() : this.invocation.now();
		return new StepRow(step.key(), step.position(), status, output, null, null, 1, wakeAt, startedAt, endedAt);
	}

	private PayloadSerializer serializer() {
		return this.invocation.setup().serializer();
	}

	private static Expression parseMatch(String id, String source) {
		try {
			return EventExpressions.parse(source);
		}
		catch (IllegalArgumentException ex) {
			throw new NonRetriableException("waitForEvent '" + id + "': match " + ex.getMessage(), ex);
		}
	}

	private static void checkPause(String what, Duration duration) {
		if (duration.compareTo(MAX_PAUSE) > 0) {
			throw new NonRetriableException(what + " is " + duration + " long; the longest pause is one year ("
					+ MAX_PAUSE.toDays() + " days)");
		}
	}

	private static long utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

}
