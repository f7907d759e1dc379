package dev.fanout.benchmarks;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.fanout.Event;
import dev.fanout.engine.FanoutEngine;

/**
 * Whether a key with a backlog holds up the others: queue many runs of a function with a
 * concurrency limit per key, all on one key, then start a worker and send a trickle of
 * events on other keys while it works through the backlog. The trickle's send-to-start
 * latency shows whether its runs wait behind the hot key's.
 *
 * @since 0.1.0
 */
public final class HotKey {

	private static final int TRICKLE_KEYS = 100;

	private static final int TRICKLE_EVENTS = 200;

	private static final double TRICKLE_PER_SECOND = 25;

	/** Events per send while filling the queue (the engine takes at most 5,000). */
	private static final int FILL_BATCH = 1000;

	private HotKey() {
	}

	/**
	 * Run the measurement and print its line.
	 * @param target the database server
	 * @param workload the steps, payload and concurrency, and the key limit (8 if none)
	 * @param hotRuns how many runs to queue on the hot key
	 * @param out where to print
	 */
	public static void run(DatabaseTarget target, Workload workload, int hotRuns, PrintStream out) {
		int limit = (workload.keyLimit() > 0) ? workload.keyLimit() : 8;
		Workload hot = new Workload(hotRuns, 1, workload.steps(), workload.payloadBytes(), workload.concurrency(),
				FILL_BATCH, limit, 1);
		try (FreshDatabase database = target.create(BenchmarkEngines.poolSize(hot))) {
			fill(database, hot);
			FanoutEngine worker = BenchmarkEngines.start(database, hot, true);
			SendLog trickle = new SendLog();
			long hotLeft;
			long start = System.nanoTime();
			try {
				send(worker, hot, trickle);
				hotLeft = queued(database);
				Trial.awaitFinished(database, hotRuns + TRICKLE_EVENTS);
			}
			finally {
				worker.stop();
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			double[] delays = Trial.sendToStart(database, trickle);
			out.printf(Locale.ROOT,
					"%-12s hot key    %d runs on one key, @Concurrency(limit = %d) per key | trickle: %d events on "
							+ "%d other keys at %.0f/s, %d started | send-to-start p50 %.1f ms, p99 %.1f ms, "
							+ "max %.1f ms | hot runs still queued when the trickle ended: %d | all done in %.1f s%n",
					target.name(), hotRuns, limit, TRICKLE_EVENTS, TRICKLE_KEYS, TRICKLE_PER_SECOND, delays.length,
					Measurement.percentile(delays, 50), Measurement.percentile(delays, 99),
					Measurement.percentile(delays, 100), hotLeft, seconds);
		}
	}

	/**
	 * Queue the hot key's runs with no worker running, and give the planner statistics.
	 */
	private static void fill(FreshDatabase database, Workload hot) {
		FanoutEngine filler = BenchmarkEngines.start(database, hot, false);
		try {
			for (int sent = 0; sent < hot.events(); sent += FILL_BATCH) {
				List<Event> batch = new ArrayList<>(FILL_BATCH);
				for (int i = sent; i < Math.min(hot.events(), sent + FILL_BATCH); i++) {
					batch.add(hot.event(i));
				}
				filler.sender().sendAll(batch);
			}
		}
		finally {
			filler.stop();
		}
		database.analyze();
	}

	/** The trickle: one event per send, each on the next of the other keys. */
	private static void send(FanoutEngine worker, Workload hot, SendLog log) {
		long start = System.nanoTime();
		long interval = (long) (TimeUnit.SECONDS.toNanos(1) / TRICKLE_PER_SECOND);
		for (int i = 0; i < TRICKLE_EVENTS; i++) {
			long wait = start + i * interval - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			Event event = BenchmarkFunctions.event(hot.payloadBytes(), "trickle-" + (i % TRICKLE_KEYS));
			Instant at = Instant.now();
			log.sent(worker.sender().send(event), at);
		}
		log.done();
	}

	private static long queued(FreshDatabase database) {
		return database.count("SELECT COUNT(*) FROM fanout_runs WHERE status = 'QUEUED'");
	}

}
