package dev.fanout.engine.operations;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.RunStatus;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.store.RetentionStore;

/**
 * Deletes what has outlived its retention, about once a minute on every instance with a
 * worker: this application's runs that ended more than {@code fanout.retention.completed}
 * (completed) or {@code fanout.retention.failed} (failed, cancelled) ago with their
 * steps, matchers and batches' events, then the events no run refers to, event ids past
 * the dedup window, old replay requests, old cron ticks and the flow controls' spent
 * state. Each batch is a short transaction of its own, and instances skip the rows
 * another is deleting, so whichever gets there first does the work and nobody waits.
 */
public final class RetentionCleaner {

	private static final Logger logger = LoggerFactory.getLogger(RetentionCleaner.class);

	/** Rows per transaction: small enough that no lock is held for long. */
	public static final int BATCH_SIZE = 500;

	private static final Duration INTERVAL = Duration.ofMinutes(1);

	private static final List<RunStatus> COMPLETED = List.of(RunStatus.COMPLETED);

	private static final List<RunStatus> FAILED = List.of(RunStatus.FAILED, RunStatus.CANCELLED);

	private final RetentionStore store;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final EngineSettings settings;

	private final Clock clock;

	private volatile boolean stopping;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Create a cleaner.
	 * @param store the store
	 * @param transaction starts transactions of its own
	 * @param retry retries transient database failures
	 * @param settings the retention periods
	 * @param clock the clock
	 */
	public RetentionCleaner(RetentionStore store, TransactionTemplate transaction, RetrySupport retry,
			EngineSettings settings, Clock clock) {
		this.store = store;
		this.transaction = transaction;
		this.retry = retry;
		this.settings = settings;
		this.clock = clock;
	}

	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		this.stopping = false;
		this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "fanout-retention");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.scheduleWithFixedDelay(this::cleanOnSchedule, INTERVAL.toMillis(), INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Stop after the current batch. The thread is not interrupted: an interrupt in the
	 * middle of JDBC work can break the connection.
	 */
	public synchronized void stop() {
		ScheduledExecutorService running = this.executor;
		if (running == null) {
			return;
		}
		this.stopping = true;
		running.shutdown();
		try {
			running.awaitTermination(this.settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.executor = null;
	}

	private void cleanOnSchedule() {
		try {
			Cleaned cleaned = clean();
			if (cleaned.total() > 0) {
				logger.debug("Deleted what outlived its retention: {}", cleaned);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete runs and events past their retention; trying again in {}", INTERVAL, ex);
		}
	}

	/**
	 * Delete everything past its retention now, batch by batch.
	 * @return how many rows of each kind this call deleted
	 */
	public Cleaned clean() {
		Instant now = this.clock.instant();
		Duration completed = this.settings.completedRetention();
		Duration failed = this.settings.failedRetention();
		int runs = drain(() -> this.store.deleteEndedRuns(COMPLETED, now.minus(completed), BATCH_SIZE))
				+ drain(() -> this.store.deleteEndedRuns(FAILED, now.minus(failed), BATCH_SIZE));
		Instant eventsBefore = eventsBefore(now.minus(min(completed, failed)));
		int events = drain(() -> this.store.deleteUnreferencedEvents(eventsBefore, BATCH_SIZE));
		int eventIds = drain(() -> this.store.deleteEventIds(now.minus(this.settings.dedupWindow()), BATCH_SIZE));
		Instant longest = now.minus(max(completed, failed));
		int replays = drain(() -> this.store.deleteReplays(longest, BATCH_SIZE));
		int cronTicks = drain(() -> this.store.deleteCronTicks(longest, BATCH_SIZE));
		int flowStates = drain(() -> this.store.deleteSpentFlowStates(now, BATCH_SIZE))
				+ drain(() -> this.store.deleteIdleGates(now, BATCH_SIZE));
		return new Cleaned(runs, events, eventIds, replays, cronTicks, flowStates);
	}

	/**
	 * An unfinished run's wait looks back at the events stored since it first started, so
	 * none of those may go, whatever their age.
	 */
	private Instant eventsBefore(Instant cutoff) {
		Optional<Instant> earliest = this.retry
			.onTransientFailure(() -> this.transaction.execute((status) -> this.store.earliestUnfinishedStart()));
		return (earliest != null && earliest.isPresent() && earliest.get().isBefore(cutoff)) ? earliest.get() : cutoff;
	}

	private int drain(IntSupplier batch) {
		int total = 0;
		int deleted;
		do {
			Integer count = this.retry.onTransientFailure(() -> this.transaction.execute((status) -> batch.getAsInt()));
			deleted = (count != null) ? count : 0;
			total += deleted;
		}
		while (deleted == BATCH_SIZE && !this.stopping);
		return total;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	/**
	 * What one cleaning deleted.
	 *
	 * @param runs runs, each with its steps and matchers
	 * @param events events no run referred to
	 * @param eventIds event ids past the dedup window
	 * @param replays replay requests
	 * @param cronTicks cron ticks
	 * @param flowStates rows of flow control no run or send needs any more
	 */
	public record Cleaned(int runs, int events, int eventIds, int replays, int cronTicks, int flowStates) {

		public int total() {
			return this.runs + this.events + this.eventIds + this.replays + this.cronTicks + this.flowStates;
		}

	}

}
