package dev.fanout.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.EventSender;
import dev.fanout.engine.FanoutEngine;

/**
 * One end-to-end run on a fresh database: start an engine, warm it up, send the
 * workload's events, wait until every run has ended, and read the figures (latencies from
 * the start of each run's first step and each run's end as the engine stored them,
 * commits from the database).
 * <p>
 * The warm-up runs on the same database and is followed by {@code ANALYZE}, so that the
 * measured events meet tables with a history and statistics, as in production, where
 * autovacuum analyzes a table within a minute of its first rows. Without statistics,
 * PostgreSQL plans the claim with default selectivities (it sorted the whole queue on
 * every claim: 16 ms instead of 1.4) and keeps generic plans made while the table was
 * empty (sequential scans for lookups by key).
 *
 * @since 0.1.0
 */
public final class Trial {

	private static final String UNFINISHED = "SELECT COUNT(*) FROM fanout_runs "
			+ "WHERE status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING')";

	// The end is read from the runs' end times: polling less often costs no accuracy,
	// and the count, four times a second, took a tenth of a core from PostgreSQL.
	private static final Duration POLL = Duration.ofSeconds(1);

	/**
	 * Each run with when its function reached its first step, as the engine stored it. A
	 * run's own start time is when a worker took it: a claim's commit and a hand-off
	 * before the function starts, or, for a run its send started, the send's time, before
	 * the send commits. Only a workload without steps falls back to it.
	 */
	private static final String RUNS = """
			SELECT r.event_id, r.status, COALESCE(s.started_at, r.started_at) AS started_at, r.ended_at
			FROM fanout_runs r LEFT JOIN fanout_steps s ON s.run_id = r.id AND s.position = 0
			""";

	private Trial() {
	}

	/**
	 * Send every event as fast as one thread can, in batches, and measure throughput.
	 * @param target the database server
	 * @param workload the workload
	 * @param warmupEvents how many events to run first, unmeasured, 0 for none
	 * @return the figures
	 */
	public static Measurement throughput(DatabaseTarget target, Workload workload, int warmupEvents) {
		return run(target, workload, warmupEvents, "throughput", (sender, log) -> sendFast(sender, log, workload));
	}

	private static void sendFast(EventSender sender, SendLog log, Workload workload) {
		for (int sent = 0; sent < workload.events(); sent += workload.batchSize()) {
			List<Event> batch = new ArrayList<>(workload.batchSize());
			for (int i = sent; i < Math.min(workload.events(), sent + workload.batchSize()); i++) {
				batch.add(workload.event(i));
			}
			Instant at = Instant.now();
			log.sent(sender.sendAll(batch), at);
		}
	}

	/**
	 * Send events one at a time at a fixed rate, well below capacity, and measure
	 * latency.
	 * @param target the database server
	 * @param workload the workload
	 * @param eventsPerSecond the rate
	 * @param warmupEvents how many events to run first, as fast as possible and
	 * unmeasured, 0 for none
	 * @return the figures
	 */
	public static Measurement lightLoad(DatabaseTarget target, Workload workload, double eventsPerSecond,
			int warmupEvents) {
		return run(target, workload, warmupEvents, "light", (sender, log) -> {
			long start = System.nanoTime();
			long interval = (long) (TimeUnit.SECONDS.toNanos(1) / eventsPerSecond);
			for (int i = 0; i < workload.events(); i++) {
				long wait = start + i * interval - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				Event event = workload.event(i);
				Instant at = Instant.now();
				log.sent(sender.send(event), at);
			}
		});
	}

	private static Measurement run(DatabaseTarget target, Workload workload, int warmupEvents, String mode,
			Sending sending) {
		try (FreshDatabase database = target.create(BenchmarkEngines.poolSize(workload))) {
			FanoutEngine engine = BenchmarkEngines.start(database, workload, true);
			SendLog log = new SendLog();
			long commitsBefore;
			@Nullable String walBefore;
			double walBytes;
			long peakHeap;
			long peakRss;
			CpuSampler cpu = CpuSampler.start();
			try {
				if (warmupEvents > 0) {
					SendLog warmup = new SendLog();
					sendFast(engine.sender(), warmup, workload.withEvents(warmupEvents));
					awaitFinished(database, warmup.runs());
					database.analyze();
				}
				commitsBefore = database.commits();
				walBefore = database.walPosition();
				// Start from a collected heap, so the peak is this run's.
				MemorySampler.liveHeap();
				try (MemorySampler sampler = MemorySampler.start()) {
					sending.send(engine.sender(), log);
					log.done();
					awaitFinished(database, log.runs());
					walBytes = database.walBytesSince(walBefore);
					peakHeap = sampler.peakHeap();
					peakRss = sampler.peakRss();
				}
			}
			finally {
				cpu.close();
				engine.stop();
			}
			long commits = database.commits() - commitsBefore;
			List<RunRow> measured = readRuns(database).stream().filter((row) -> log.has(row.eventId())).toList();
			return measure(target.name(), mode, workload, log, measured, commits, walBytes, peakHeap, peakRss, cpu);
		}
	}

	/**
	 * Wait until no run is queued or in progress.
	 * @param database the database
	 * @param runs how many runs there are, for the timeout and the message
	 */
	static void awaitFinished(FreshDatabase database, long runs) {
		// Generous: a run that never ends is a bug, not a slow engine.
		long deadline = System.nanoTime() + Duration.ofMinutes(2).plusMillis(runs * 10).toNanos();
		long unfinished;
		while ((unfinished = database.count(UNFINISHED)) > 0) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(unfinished + " of " + runs + " runs still unfinished");
			}
			LockSupport.parkNanos(POLL.toNanos());
		}
	}

	/**
	 * The send-to-start latency of each completed run of the logged events.
	 * @param database the database
	 * @param log the events sent
	 * @return the latencies, in milliseconds
	 */
	static double[] sendToStart(FreshDatabase database, SendLog log) {
		return readRuns(database).stream()
			.filter((row) -> log.has(row.eventId()) && row.completed())
			.mapToDouble((row) -> millisBetween(log.sentAt(row.eventId()), Objects.requireNonNull(row.startedAt())))
			.toArray();
	}

	private static List<RunRow> readRuns(FreshDatabase database) {
		return database.query(RUNS,
				(rs, n) -> new RunRow(rs.getString("event_id"), rs.getString("status"),
						instant(rs.getObject("started_at", OffsetDateTime.class)),
						instant(rs.getObject("ended_at", OffsetDateTime.class))));
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	private static Measurement measure(String database, String mode, Workload workload, SendLog log, List<RunRow> rows,
			long commits, double walBytes, long peakHeap, long peakRss, CpuSampler cpu) {
		List<RunRow> completed = rows.stream().filter(RunRow::completed).toList();
		double[] toStart = new double[completed.size()];
		double[] toDone = new double[completed.size()];
		Instant lastEnd = log.first();
		for (int i = 0; i < completed.size(); i++) {
			RunRow row = completed.get(i);
			Instant sent = log.sentAt(row.eventId());
			Instant started = Objects.requireNonNull(row.startedAt());
			Instant ended = Objects.requireNonNull(row.endedAt());
			toStart[i] = millisBetween(sent, started);
			toDone[i] = millisBetween(sent, ended);
			if (ended.isAfter(lastEnd)) {
				lastEnd = ended;
			}
		}
		double seconds = millisBetween(log.first(), lastEnd) / 1000;
		long runs = rows.size();
		return new Measurement(database, mode, log.events(), runs, runs - completed.size(), seconds,
				millisBetween(log.first(), log.last()) / 1000, log.events() / seconds, runs / seconds,
				runs * workload.steps() / seconds, Measurement.percentile(toStart, 50),
				Measurement.percentile(toStart, 99), Measurement.percentile(toDone, 50),
				Measurement.percentile(toDone, 99), (double) commits / runs, peakHeap, peakRss, walBytes / runs,
				cpu.busy(log.first(), lastEnd));
	}

	private static double millisBetween(Instant from, Instant to) {
		return Duration.between(from, to).toNanos() / 1e6;
	}

	/**
	 * Sends the workload's events, logging when.
	 */
	@FunctionalInterface
	private interface Sending {

		void send(EventSender sender, SendLog log);

	}

	private record RunRow(String eventId, String status, @Nullable Instant startedAt, @Nullable Instant endedAt) {

		boolean completed() {
			return "COMPLETED".equals(this.status) && this.startedAt != null && this.endedAt != null;
		}

	}

}
