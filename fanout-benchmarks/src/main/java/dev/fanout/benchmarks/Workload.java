package dev.fanout.benchmarks;

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
 * @since 0.1.0
 */
public record Workload(int events, int functions, int steps, int payloadBytes, int concurrency, int batchSize) {

	public Workload {
		if (events < 1 || functions < 1 || steps < 0 || payloadBytes < 0 || concurrency < 1 || batchSize < 1) {
			throw new IllegalArgumentException("events, functions, concurrency and batch size must be at least 1, "
					+ "steps and payload at least 0: " + this);
		}
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
		return new Workload(events, this.functions, this.steps, this.payloadBytes, this.concurrency, this.batchSize);
	}

	/**
	 * A short description, for result lines.
	 * @return the description
	 */
	public String describe() {
		return this.events + " events x " + this.functions + " functions x " + this.steps + " steps, "
				+ this.payloadBytes + " B, concurrency " + this.concurrency;
	}

}
