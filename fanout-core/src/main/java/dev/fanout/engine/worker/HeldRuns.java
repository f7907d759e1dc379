package dev.fanout.engine.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.store.RunStore;

/**
 * The runs this worker holds under its lease owner id, and the threads free to take more.
 * A run is held from its claim until its outcome is committed (executing, claimed ahead,
 * or ended and waiting for its end to commit), so that its lease is extended and it is
 * handed back on stop.
 */
final class HeldRuns {

	private static final Logger logger = LoggerFactory.getLogger(HeldRuns.class);

	private final String owner;

	private final Semaphore threads;

	private final Set<String> ids = ConcurrentHashMap.newKeySet();

	/**
	 * Runs in progress here that a local cancellation asked to stop before their next
	 * step.
	 */
	private final Set<String> cancelMarks = ConcurrentHashMap.newKeySet();

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final Clock clock;

	private final EngineSettings settings;

	HeldRuns(RunStore store, TransactionTemplate transaction, RetrySupport retry, Clock clock,
			EngineSettings settings) {
		this.owner = settings.appId() + ":" + UUID.randomUUID();
		this.threads = new Semaphore(settings.concurrency());
		this.store = store;
		this.transaction = transaction;
		this.retry = retry;
		this.clock = clock;
		this.settings = settings;
	}

	String owner() {
		return this.owner;
	}

	/**
	 * The end of the lease of a run started, or extended, now.
	 */
	Instant leaseUntil() {
		return this.clock.instant().plus(this.settings.leaseDuration());
	}

	int freeThreads() {
		return this.threads.availablePermits();
	}

	boolean tryTakeThread() {
		return this.threads.tryAcquire();
	}

	/**
	 * Take free threads, at most the given number.
	 * @return how many were taken
	 */
	int takeThreads(int most) {
		int taken = 0;
		while (taken < most && this.threads.tryAcquire()) {
			taken++;
		}
		return taken;
	}

	void returnThreads(int count) {
		this.threads.release(count);
	}

	/**
	 * Wait, at most the given time, until the given number of threads are free, without
	 * taking them.
	 */
	void awaitFreeThreads(int count, Duration within) throws InterruptedException {
		if (this.threads.tryAcquire(count, within.toNanos(), TimeUnit.NANOSECONDS)) {
			this.threads.release(count);
		}
	}

	void hold(String runId) {
		this.ids.add(runId);
	}

	/**
	 * Stop holding a run that is handed back or was never started.
	 */
	void forget(String runId) {
		this.ids.remove(runId);
	}

	/**
	 * Stop holding a run whose outcome is committed, or could not be.
	 */
	void ended(String runId) {
		this.ids.remove(runId);
		this.cancelMarks.remove(runId);
	}

	/**
	 * The runs held now, a live view.
	 */
	Set<String> ids() {
		return Collections.unmodifiableSet(this.ids);
	}

	int size() {
		return this.ids.size();
	}

	void markCancel(String runId) {
		if (this.ids.contains(runId)) {
			this.cancelMarks.add(runId);
		}
	}

	boolean isCancelMarked(String runId) {
		return this.cancelMarks.contains(runId);
	}

	/**
	 * Hand every run still held back to the queue.
	 */
	void handBackAll() {
		handBack(List.copyOf(this.ids), false);
	}

	/**
	 * Hand runs back to the queue, those never started as if never claimed.
	 */
	void handBack(List<String> runIds, boolean neverStarted) {
		if (!runIds.isEmpty()) {
			try {
				this.retry.onTransientFailure(() -> this.transaction
					.execute((status) -> neverStarted ? this.store.unclaim(this.owner, runIds, this.clock.instant())
							: this.store.release(this.owner, runIds, this.clock.instant())));
			}
			catch (RuntimeException ex) {
				logger.warn("Could not hand back runs {}; they are claimable again when their lease expires", runIds,
						ex);
			}
		}
	}

}
