package dev.fanout.engine.function;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import dev.fanout.Concurrency;
import dev.fanout.Singleton;
import dev.fanout.store.GateLimits;
import dev.fanout.store.RunFlow;

/**
 * How a function's runs are let through: the flow-control annotations of its method, read
 * and checked at startup. Enqueue-time controls (rate limit, idempotency, singleton,
 * debounce, batch) decide in the send's transaction whether and which run an event
 * creates; start-time controls (concurrency, throttle, priority) decide in the claim when
 * a run starts.
 *
 * @param concurrency the concurrency limits, at most two
 * @param throttle the throttle, or {@code null}
 * @param rateLimit the rate limit, or {@code null}
 * @param debounce the debounce, or {@code null}
 * @param batch the batching, or {@code null}
 * @param priority the priority expression, or {@code null}
 * @param idempotency the idempotency, or {@code null}
 * @param singleton the singleton, or {@code null}
 * @since 0.1.0
 */
public record FlowControl(List<ConcurrencyLimit> concurrency, @Nullable ThrottleRule throttle,
		@Nullable RateLimitRule rateLimit, @Nullable DebounceRule debounce, @Nullable BatchRule batch,
		@Nullable FlowKey priority, @Nullable IdempotencyRule idempotency, @Nullable SingletonRule singleton) {

	/** No flow control: every event makes a run, which starts as soon as it is due. */
	public static final FlowControl NONE = new FlowControl(List.of(), null, null, null, null, null, null, null);

	public FlowControl {
		concurrency = List.copyOf(concurrency);
	}

	/**
	 * Whether nothing is declared: every event makes a run, which starts as it comes.
	 * @return whether this is {@link #NONE}
	 */
	public boolean isNone() {
		return equals(NONE);
	}

	/**
	 * Whether an event may make no run of its own, or join another's: the send must look
	 * at this function's flow state.
	 * @return whether an enqueue-time control is declared
	 */
	public boolean decidesAtEnqueue() {
		return this.rateLimit != null || this.debounce != null || this.batch != null || this.idempotency != null
				|| this.singleton != null;
	}

	/**
	 * Whether a run must pass a gate to start: a concurrency limit or a throttle.
	 * @return whether a start-time gate is declared
	 */
	public boolean gatesStarts() {
		return !this.concurrency.isEmpty() || this.throttle != null;
	}

	/**
	 * The limits a claim checks the function's runs against.
	 * @return the limits, {@link GateLimits#NONE} without concurrency limit or throttle
	 */
	public GateLimits gateLimits() {
		if (!gatesStarts()) {
			return GateLimits.NONE;
		}
		boolean global = this.concurrency.stream().anyMatch((limit) -> limit.scope() == Concurrency.Scope.GLOBAL);
		return new GateLimits(limitOf(0), limitOf(1), global, (this.throttle != null) ? this.throttle.interval() : null,
				(this.throttle != null) ? this.throttle.burst() : 1);
	}

	private int limitOf(int index) {
		return (index < this.concurrency.size()) ? this.concurrency.get(index).limit() : 0;
	}

	/**
	 * The priority of a run triggered by an event, in seconds.
	 * @param event the event as a map
	 * @return from {@code -600} to {@code 600}; 0 without {@code @Priority}
	 */
	public int priorityOf(Map<String, Object> event) {
		if (this.priority == null) {
			return 0;
		}
		long seconds = this.priority.numberOf(event, 0);
		return (int) Math.max(-RunFlow.MAX_PRIORITY, Math.min(RunFlow.MAX_PRIORITY, seconds));
	}

	/**
	 * The priority and gates of a run of a function triggered by an event: each gate's
	 * key names what shares it, so that runs with equal keys share one gate.
	 * @param appId the function's application
	 * @param functionId the function
	 * @param trigger the trigger as a map
	 * ({@link dev.fanout.engine.event.EventExpressions#asMap}), made only when a key
	 * needs it
	 * @return the run's flow
	 */
	public RunFlow runFlow(String appId, String functionId, Supplier<Map<String, Object>> trigger) {
		if (!gatesStarts() && this.priority == null && this.singleton == null) {
			return RunFlow.NONE;
		}
		Map<String, Object> event = trigger.get();
		String function = appId + "/" + functionId;
		String[] slots = new String[2];
		for (int i = 0; i < this.concurrency.size(); i++) {
			ConcurrencyLimit limit = this.concurrency.get(i);
			slots[i] = (limit.scope() == Concurrency.Scope.GLOBAL)
					? GateKeys.of(GateKeys.GLOBAL, null, Objects.requireNonNull(limit.key()).keyOf(event))
					: GateKeys.of("c" + (i + 1), function, keyOf(limit.key(), event));
		}
		String throttleKey = (this.throttle != null) ? GateKeys.of("t", function, keyOf(this.throttle.key(), event))
				: null;
		String singletonKey = (this.singleton != null) ? GateKeys.of("s", function, keyOf(this.singleton.key(), event))
				: null;
		return new RunFlow(priorityOf(event), slots[0], slots[1], throttleKey, singletonKey);
	}

	/**
	 * The keys of the state rows that the enqueue-time controls of a function decide an
	 * event's fate with: runs of events with equal keys share them. A singleton's key is
	 * also the key its runs hold ({@link RunFlow#singleton()}).
	 * @param appId the function's application
	 * @param functionId the function
	 * @param event the event as a map
	 * ({@link dev.fanout.engine.event.EventExpressions#asMap})
	 * @return the keys, {@code null} for the controls not declared
	 */
	public EnqueueKeys enqueueKeys(String appId, String functionId, Map<String, Object> event) {
		String function = appId + "/" + functionId;
		return new EnqueueKeys(
				(this.rateLimit != null) ? GateKeys.of("r", function, keyOf(this.rateLimit.key(), event)) : null,
				(this.idempotency != null) ? GateKeys.of("i", function, this.idempotency.key().keyOf(event)) : null,
				(this.singleton != null) ? GateKeys.of("s", function, keyOf(this.singleton.key(), event)) : null,
				(this.debounce != null) ? GateKeys.of("d", function, keyOf(this.debounce.key(), event)) : null,
				(this.batch != null) ? GateKeys.of("b", function, keyOf(this.batch.key(), event)) : null);
	}

	private static String keyOf(@Nullable FlowKey key, Map<String, Object> event) {
		return (key != null) ? key.keyOf(event) : "";
	}

	/**
	 * The state keys of an event's enqueue-time controls, each {@code null} when the
	 * control is not declared.
	 *
	 * @param rateLimit the rate limit's key
	 * @param idempotency the idempotency key
	 * @param singleton the singleton key
	 * @param debounce the debounce's key
	 * @param batch the batch's key
	 */
	public record EnqueueKeys(@Nullable String rateLimit, @Nullable String idempotency, @Nullable String singleton,
			@Nullable String debounce, @Nullable String batch) {

		/**
		 * The keys declared.
		 * @return the keys
		 */
		public Stream<String> all() {
			return Stream.of(this.rateLimit, this.idempotency, this.singleton, this.debounce, this.batch)
				.filter(Objects::nonNull);
		}

	}

	/**
	 * A concurrency limit.
	 *
	 * @param limit the most runs at once
	 * @param key what shares the limit, or {@code null} for the whole function
	 * @param scope whose runs count
	 */
	public record ConcurrencyLimit(int limit, @Nullable FlowKey key, Concurrency.Scope scope) {
	}

	/**
	 * A throttle of run starts.
	 *
	 * @param limit the most starts per period
	 * @param period the period
	 * @param burst the most starts at once
	 * @param key what has its own rate, or {@code null}
	 */
	public record ThrottleRule(int limit, Duration period, int burst, @Nullable FlowKey key) {

		/**
		 * The time between two starts at the steady rate.
		 * @return the interval
		 */
		public Duration interval() {
			return this.period.dividedBy(this.limit);
		}

	}

	/**
	 * A rate limit of runs.
	 *
	 * @param limit the most runs per period
	 * @param period the period
	 * @param key what has its own limit, or {@code null}
	 */
	public record RateLimitRule(int limit, Duration period, @Nullable FlowKey key) {
	}

	/**
	 * A debounce.
	 *
	 * @param period how long after the last event the run starts
	 * @param key what is debounced apart, or {@code null}
	 * @param timeout the longest delay from the first event, or {@code null}
	 */
	public record DebounceRule(Duration period, @Nullable FlowKey key, @Nullable Duration timeout) {
	}

	/**
	 * A batching of events.
	 *
	 * @param maxSize the most events in one run
	 * @param timeout how long after its first event a batch starts
	 * @param key what is batched apart, or {@code null}
	 */
	public record BatchRule(int maxSize, Duration timeout, @Nullable FlowKey key) {
	}

	/**
	 * An idempotency.
	 *
	 * @param key what makes one run per period
	 * @param period how long a key keeps out later runs
	 */
	public record IdempotencyRule(FlowKey key, Duration period) {
	}

	/**
	 * A singleton.
	 *
	 * @param key what has one run at a time, or {@code null} for the whole function
	 * @param mode what an event does while a run for its key exists
	 */
	public record SingletonRule(@Nullable FlowKey key, Singleton.Mode mode) {
	}

}
