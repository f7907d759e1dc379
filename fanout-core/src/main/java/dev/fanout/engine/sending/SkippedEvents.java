package dev.fanout.engine.sending;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.fanout.spi.FanoutMetrics;

/**
 * How many events made no run of a function because of its flow control, by function and
 * reason, counted by the instance that sent them since it started, once their send
 * committed, and reported to the metrics then.
 *
 * @since 0.1.0
 */
public final class SkippedEvents {

	private final Map<String, Map<Reason, LongAdder>> counts = new ConcurrentHashMap<>();

	private final FanoutMetrics metrics;

	/**
	 * Create the counts.
	 * @param metrics where each skip is reported too
	 */
	public SkippedEvents(FanoutMetrics metrics) {
		this.metrics = metrics;
	}

	void add(String functionId, Reason reason) {
		this.counts.computeIfAbsent(functionId, (id) -> new ConcurrentHashMap<>())
			.computeIfAbsent(reason, (key) -> new LongAdder())
			.increment();
		this.metrics.runsSkipped(functionId, reason.label(), 1);
	}

	/**
	 * The counts so far.
	 * @return the counts by function id, then by reason ({@link Reason#label()}), sorted;
	 * a function that skipped nothing is missing
	 */
	public Map<String, Map<String, Long>> counts() {
		Map<String, Map<String, Long>> copy = new TreeMap<>();
		this.counts.forEach((functionId, reasons) -> {
			Map<String, Long> byReason = new TreeMap<>();
			reasons.forEach((reason, count) -> byReason.put(reason.label(), count.sum()));
			copy.put(functionId, Collections.unmodifiableMap(byReason));
		});
		return Collections.unmodifiableMap(copy);
	}

	/**
	 * Why an event made no run of a function.
	 */
	public enum Reason {

		/** Over the function's {@code @RateLimit}. */
		RATE_LIMIT("rate-limit"),

		/** Its {@code @Idempotency} key had a run within the period. */
		IDEMPOTENCY("idempotency"),

		/**
		 * A run held its {@code @Singleton} key ({@code SKIP}), or, sent in the same send
		 * as a later event for the key, it was taken over by it ({@code CANCEL}).
		 */
		SINGLETON("singleton"),

		/** A later event of its {@code @Debounce} window took its run over. */
		DEBOUNCE("debounce");

		private final String label;

		Reason(String label) {
			this.label = label;
		}

		/**
		 * The reason as {@link dev.fanout.FanoutAdmin#skippedEvents()} names it.
		 * @return the name, such as {@code rate-limit}
		 */
		public String label() {
			return this.label;
		}

	}

}
