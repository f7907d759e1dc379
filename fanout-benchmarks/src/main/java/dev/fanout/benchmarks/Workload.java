package dev.fanout.benchmarks;

import dev.fanout.Event;

/**
 * The knobs of an end-to-end workload: every event fans out to {@code functions}
 * functions, each of which runs {@code steps} trivial steps.
 *
 * @param events how many events to send
 * @param functions how many functions each event triggers
 * @param steps how many steps each function runs
 * @param payloadBytes the size of each event's data, as JSON
 * @param concurrency the worker's concurrency (runs executed at once)
 * @param batchSize how many events one {@code sendAll} sends, when sending as fast as
 * possible
 * @param keyLimit a {@code @Concurrency} limit per key on every function, keyed by the
 * event's user, 0 for none
 * @param keys how many users the events are spread over, when there is a key limit
 * @since 0.1.0
 */
public record Workload(int events, int functions, int steps, int payloadBytes, int concurrency, int batchSize,
		int keyLimit, int keys) {

	public Workload {
		if (events < 1 || functions < 1 || steps < 0 || payloadBytes < 0 || concurrency < 1 || batchSize < 1
				|| keyLimit < 0 || keys < 1) {
			throw new IllegalArgumentException("events, functions, concurrency, batch size and keys must be at "
					+ "least 1, steps, payload and key limit at least 0: " + this);
		}
	}

	/**
	 * A workload without flow control.
	 */
	public Workload(int events, int functions, int steps, int payloadBytes, int concurrency, int batchSize) {
		this(events, functions, steps, payloadBytes, concurrency, batchSize, 0, 1);
	}

	/**
	 * The reference workload of issue 6: 20,000 events, each fanning out to 2 functions
	 * of 2 steps, 200-byte payloads, the default concurrency of 16.
	 * @return the workload
	 */
	public static Workload reference() {
		return new Workload(20_000, 2, 2, 200, 16, 100);
	}

	/**
	 * How many runs the workload creates.
	 * @return events times functions
	 */
	public long runs() {
		return (long) this.events * this.functions;
	}

	public Workload withEvents(int events) {
		return new Workload(events, this.functions, this.steps, this.payloadBytes, this.concurrency, this.batchSize,
				this.keyLimit, this.keys);
	}

	/**
	 * The same workload with a concurrency limit per key.
	 * @param keyLimit the limit, 0 for none
	 * @param keys how many keys the events are spread over
	 * @return the workload
	 */
	public Workload withKeyLimit(int keyLimit, int keys) {
		return new Workload(this.events, this.functions, this.steps, this.payloadBytes, this.concurrency,
				this.batchSize, keyLimit, keys);
	}

	/**
	 * The n-th event of the workload.
	 * @param n its number
	 * @return a new event, of the n-th key when there is a key limit
	 */
	public Event event(long n) {
		return BenchmarkFunctions.event(this.payloadBytes, (this.keyLimit > 0) ? "user-" + (n % this.keys) : null);
	}

	/**
	 * A short description, for result lines.
	 * @return the description
	 */
	public String describe() {
		return this.events + " events x " + this.functions + " functions x " + this.steps + " steps, "
				+ this.payloadBytes + " B, concurrency " + this.concurrency + ((this.keyLimit > 0)
						? ", @Concurrency(limit = " + this.keyLimit + ") per user over " + this.keys + " users" : "");
	}

}
