package dev.fanout.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;

import dev.fanout.Event;
import dev.fanout.engine.FanoutEngine;

/**
 * Whether the worker's heap grows with the queue: queue up 0, 1%, 10% and 100% of the
 * backlog (with no worker running), then start a worker and measure the live heap while
 * it drains the next runs. A flat heap means the engine holds only the runs in progress.
 *
 * @since 0.1.0
 */
public final class Backlog {

	private static final double MB = 1024 * 1024;

	/** How many runs the worker drains at each depth while the heap is watched. */
	private static final int DRAIN = 10_000;

	/** Events per send while filling the queue (the engine takes at most 5,000). */
	private static final int FILL_BATCH = 1000;

	private Backlog() {
	}

	/**
	 * Run the backlog measurement and print a line per queue depth.
	 * @param target the database server
	 * @param workload the functions, steps, payload and concurrency
	 * @param backlog the deepest queue, in runs
	 * @param out where to print
	 */
	public static void run(DatabaseTarget target, Workload workload, long backlog, PrintStream out) {
		TreeSet<Long> depths = new TreeSet<>(List.of(0L, backlog / 100, backlog / 10, backlog));
		try (FreshDatabase database = target.create(BenchmarkEngines.poolSize(workload))) {
			FanoutEngine filler = BenchmarkEngines.start(database, workload, false);
			try {
				for (long depth : depths) {
					fill(database, filler, workload, depth, out);
					out.println(drain(target.name(), database, workload, depth));
				}
			}
			finally {
				filler.stop();
			}
		}
	}

	private static void fill(FreshDatabase database, FanoutEngine filler, Workload workload, long depth,
			PrintStream out) {
		long missing = depth - queued(database);
		long start = System.nanoTime();
		long events = (missing + workload.functions() - 1) / workload.functions();
		for (long sent = 0; sent < events; sent += FILL_BATCH) {
			List<Event> batch = new ArrayList<>(FILL_BATCH);
			for (long i = sent; i < Math.min(events, sent + FILL_BATCH); i++) {
				batch.add(workload.event(i));
			}
			filler.sender().sendAll(batch);
		}
		if (missing > 0) {
			double seconds = (System.nanoTime() - start) / 1e9;
			out.printf(Locale.ROOT, "  queued %d more runs in %.1f s (%.0f runs/s)%n", missing, seconds,
					missing / seconds);
		}
	}

	private static String drain(String name, FreshDatabase database, Workload workload, long depth) {
		long queued = queued(database);
		long drain = Math.min(DRAIN, queued);
		long doneBefore = completed(database);
		long start = System.nanoTime();
		long peakHeap;
		long peakRss;
		long liveHeap;
		FanoutEngine worker = BenchmarkEngines.start(database, workload, true);
		try (MemorySampler sampler = MemorySampler.start()) {
			long deadline = start + Duration.ofMinutes(5).toNanos();
			while (completed(database) - doneBefore < drain && System.nanoTime() < deadline) {
				// Counting a million rows is not free: look twice a second.
				LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
			}
			if (drain == 0) {
				// Nothing to drain: watch the idle worker for a moment.
				LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
			}
			// Taken with the worker still running: what it holds at this depth.
			liveHeap = MemorySampler.liveHeap();
			peakHeap = sampler.peakHeap();
			peakRss = sampler.peakRss();
		}
		finally {
			worker.stop();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		long drained = completed(database) - doneBefore;
		return String.format(Locale.ROOT,
				"%-12s backlog    %8d queued at start | drained %6d runs in %5.1f s (%5.0f runs/s) "
						+ "| live heap %5.0f MB | peak heap %5.0f MB | peak RSS %5.0f MB",
				name, queued, drained, seconds, drained / seconds, liveHeap / MB, peakHeap / MB, peakRss / MB);
	}

	private static long queued(FreshDatabase database) {
		return database.count("SELECT COUNT(*) FROM fanout_runs WHERE status = 'QUEUED'");
	}

	private static long completed(FreshDatabase database) {
		return database.count("SELECT COUNT(*) FROM fanout_runs WHERE status = 'COMPLETED'");
	}

}
