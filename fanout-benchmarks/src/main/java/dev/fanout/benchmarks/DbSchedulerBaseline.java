package dev.fanout.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The peer baseline of issue 22: fanout's throughput workload run by db-scheduler, a job
 * scheduler on the same database, measured the way {@link Trial#throughput} measures
 * fanout. Each event becomes one one-time task per function, scheduled in batches of the
 * workload's batch size; each task does the functions' units of work without recording
 * them. db-scheduler polls every 100 ms with lock-and-fetch, on as many threads as
 * fanout's concurrency and a pool as large as fanout's.
 *
 * @since 0.1.0
 */
public final class DbSchedulerBaseline {

	/** The mode of its result lines. */
	public static final String MODE = "db-scheduler";

	private static final String SCHEMA = "dev/fanout/benchmarks/db-scheduler-postgresql.sql";

	private static final Duration POLLING_INTERVAL = Duration.ofMillis(100);

	// db-scheduler's own defaults for lock-and-fetch: fetch again when half the threads
	// are
	// idle, and lock at most as many tasks as there are threads.
	private static final double LOWER_LIMIT_FRACTION_OF_THREADS = 0.5;

	private static final double UPPER_LIMIT_FRACTION_OF_THREADS = 1.0;

	private DbSchedulerBaseline() {
	}

	/**
	 * Run the workload once on a fresh PostgreSQL database, after a warm-up on it.
	 * @param target the database server, PostgreSQL
	 * @param workload the workload
	 * @param warmupEvents how many events to run first, unmeasured, 0 for none
	 * @return the figures and what the tasks did
	 */
	public static Result throughput(DatabaseTarget target, Workload workload, int warmupEvents) {
		return throughput(target, workload, warmupEvents, true);
	}

	/**
	 * Run the workload once, counting commits or not: a complete count waits some 11 s
	 * before and after the run for PostgreSQL's statistics, too long for a test that
	 * checks what the tasks did.
	 * @param target the database server, PostgreSQL
	 * @param workload the workload
	 * @param warmupEvents how many events to run first, unmeasured, 0 for none
	 * @param countCommits whether to count commits; without, commits per run are NaN
	 * @return the figures and what the tasks did
	 */
	static Result throughput(DatabaseTarget target, Workload workload, int warmupEvents, boolean countCommits) {
		try (FreshDatabase database = target.create(BenchmarkEngines.poolSize(workload))) {
			if (!"postgresql".equals(database.platform())) {
				throw new IllegalArgumentException(
						"The db-scheduler baseline runs on PostgreSQL, not " + target.name());
			}
			new ResourceDatabasePopulator(new ClassPathResource(SCHEMA)).execute(database.dataSource());
			DbSchedulerTasks tasks = new DbSchedulerTasks(workload);
			if (warmupEvents > 0) {
				warmUp(database, workload, tasks, warmupEvents);
			}
			// Read with no scheduler running: PostgreSQL's commit count settles only once
			// nothing commits, and an idle scheduler still polls in a transaction every
			// 100 ms.
			long commitsBefore = countCommits ? database.commits() : 0;
			@Nullable String walBefore = database.walPosition();
			DbSchedulerLedger ledger = tasks.begin("measured", workload.events());
			MemorySampler.liveHeap();
			Sending sending;
			double walBytes;
			long peakHeap;
			long peakRss;
			double busy;
			try (MemorySampler sampler = MemorySampler.start(); CpuSampler cpu = CpuSampler.start()) {
				sending = runPhase(database, workload, tasks, ledger);
				walBytes = database.walBytesSince(walBefore);
				peakHeap = sampler.peakHeap();
				peakRss = sampler.peakRss();
				busy = cpu.busy(sending.first(), ledger.lastDone(sending.first()));
			}
			double commits = countCommits ? database.commits() - commitsBefore : Double.NaN;
			Measurement measurement = measure(target.name(), workload, ledger, sending, commits, walBytes, peakHeap,
					peakRss, busy);
			return new Result(measurement, ledger.tasks(), ledger.tasksRunOnce(), ledger.workUnits());
		}
	}

	/**
	 * Run the warm-up's tasks, unmeasured, gathering the optimizer's statistics while
	 * they are queued, before the scheduler starts. db-scheduler deletes a task when it
	 * completes: statistics gathered after the warm-up, as {@link Trial} gathers
	 * fanout's, would describe an empty table, and PostgreSQL would then plan
	 * lock-and-fetch for one row (the smoke check ran several times slower so). Under
	 * load, autovacuum's statistics describe a table with a queue.
	 */
	private static void warmUp(FreshDatabase database, Workload workload, DbSchedulerTasks tasks, int events) {
		DbSchedulerLedger ledger = tasks.begin("warmup", events);
		Scheduler scheduler = scheduler(database, workload, tasks);
		schedule(scheduler, tasks, ledger, workload);
		database.analyze();
		scheduler.start();
		try {
			ledger.await(timeout(ledger));
		}
		finally {
			scheduler.stop();
		}
	}

	/**
	 * Start a scheduler, schedule the phase's tasks, wait until they have all completed
	 * and stop the scheduler.
	 */
	private static Sending runPhase(FreshDatabase database, Workload workload, DbSchedulerTasks tasks,
			DbSchedulerLedger ledger) {
		Scheduler scheduler = scheduler(database, workload, tasks);
		scheduler.start();
		try {
			Instant first = Instant.now();
			schedule(scheduler, tasks, ledger, workload);
			Instant last = Instant.now();
			ledger.await(timeout(ledger));
			return new Sending(first, last);
		}
		finally {
			scheduler.stop();
		}
	}

	private static Scheduler scheduler(FreshDatabase database, Workload workload, DbSchedulerTasks tasks) {
		// Immediate execution stays off, as in db-scheduler's defaults: due tasks are
		// found
		// by polling, which is what the side-by-side figures measured.
		return Scheduler.create(database.dataSource(), tasks.tasks())
			.threads(workload.concurrency())
			.pollingInterval(POLLING_INTERVAL)
			.pollUsingLockAndFetch(LOWER_LIMIT_FRACTION_OF_THREADS, UPPER_LIMIT_FRACTION_OF_THREADS)
			.schedulerName(new SchedulerName.Fixed("bench"))
			.addSchedulerListener(tasks)
			.shutdownMaxWait(Duration.ofSeconds(5))
			.build();
	}

	/**
	 * Schedule every event's tasks, one batch of events at a time, due at once: what
	 * fanout's {@code sendAll} of a batch does.
	 */
	private static void schedule(Scheduler scheduler, DbSchedulerTasks tasks, DbSchedulerLedger ledger,
			Workload workload) {
		String data = eventData(workload.payloadBytes());
		for (int sent = 0; sent < ledger.events(); sent += workload.batchSize()) {
			Instant at = Instant.now();
			List<TaskInstance<?>> batch = new ArrayList<>();
			for (int event = sent; event < Math.min(ledger.events(), sent + workload.batchSize()); event++) {
				ledger.sent(event, at);
				batch.addAll(tasks.instances(ledger, event, data));
			}
			scheduler.scheduleBatch(batch, at);
		}
	}

	/** The JSON of a benchmark event's data, as fanout stores it. */
	private static String eventData(int payloadBytes) {
		// {"payload":"..."} is 14 bytes around the text, as in BenchmarkFunctions.event.
		return "{\"payload\":\"" + "x".repeat(Math.max(0, payloadBytes - 14)) + "\"}";
	}

	/**
	 * As generous as {@link Trial}'s: a task that never completes is a bug, not slowness.
	 */
	private static Duration timeout(DbSchedulerLedger ledger) {
		return Duration.ofMinutes(2).plusMillis(ledger.tasks() * 10L);
	}

	private static Measurement measure(String database, Workload workload, DbSchedulerLedger ledger, Sending sending,
			double commits, double walBytes, long peakHeap, long peakRss, double cpuBusy) {
		Instant first = sending.first();
		double[] toStart = new double[ledger.tasks()];
		double[] toDone = new double[ledger.tasks()];
		int completed = 0;
		Instant lastEnd = first;
		for (int i = 0; i < ledger.tasks(); i++) {
			Instant started = ledger.startedAt(i);
			Instant done = ledger.doneAt(i);
			if (started == null || done == null) {
				continue;
			}
			toStart[completed] = millisBetween(ledger.sentAt(i), started);
			toDone[completed] = millisBetween(ledger.sentAt(i), done);
			completed++;
			if (done.isAfter(lastEnd)) {
				lastEnd = done;
			}
		}
		double[] starts = Arrays.copyOf(toStart, completed);
		double[] dones = Arrays.copyOf(toDone, completed);
		double seconds = millisBetween(first, lastEnd) / 1000;
		long runs = ledger.tasks();
		return new Measurement(database, MODE, ledger.events(), runs, runs - completed, seconds,
				millisBetween(first, sending.last()) / 1000, ledger.events() / seconds, runs / seconds,
				runs * workload.steps() / seconds, Measurement.percentile(starts, 50),
				Measurement.percentile(starts, 99), Measurement.percentile(dones, 50),
				Measurement.percentile(dones, 99), commits / runs, peakHeap, peakRss, walBytes / runs, cpuBusy);
	}

	private static double millisBetween(Instant from, Instant to) {
		return Duration.between(from, to).toNanos() / 1e6;
	}

	/** When the first batch was scheduled, and when the last one returned. */
	private record Sending(Instant first, Instant last) {

	}

	/**
	 * One run of the baseline: its figures, and what the tasks did, to check it.
	 *
	 * @param measurement the figures, in the form of fanout's
	 * @param tasks how many tasks were scheduled: events times functions
	 * @param tasksRunOnce how many of them ran exactly once
	 * @param workUnits how many units of work the tasks did in all
	 */
	public record Result(Measurement measurement, long tasks, long tasksRunOnce, long workUnits) {

	}

}
