package dev.fanout.engine.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.RunStore;

/**
 * Takes free threads and starts runs on them, those claimed ahead first, then claims for
 * the threads left and, under a backlog, ahead for those to come.
 */
final class Claimer {

	private static final Logger logger = LoggerFactory.getLogger(Claimer.class);

	/** The longest a claim waits for more threads to free up under a backlog. */
	private static final Duration GATHER = Duration.ofMillis(2);

	/**
	 * How often an application whose functions have no gates looks behind them all the
	 * same: runs queued while an earlier version of a function had a limit wait there.
	 */
	private static final Duration UNGATED_LOOK = Duration.ofSeconds(1);

	private final LocalFunctions registry;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final Clock clock;

	private final int concurrency;

	private final HeldRuns held;

	private final Backlog backlog;

	private final RunThreads threads;

	private final Signal signal;

	/** Whether the next claim takes the runs behind gates first; dispatcher only. */
	private boolean gatedFirst;

	/** When the application without gates last looked behind them; dispatcher only. */
	private long ungatedLookAt = System.nanoTime() - UNGATED_LOOK.toNanos();

	Claimer(LocalFunctions registry, RunStore store, TransactionTemplate transaction, RetrySupport retry, Clock clock,
			int concurrency, HeldRuns held, Backlog backlog, RunThreads threads, Signal signal) {
		this.registry = registry;
		this.store = store;
		this.transaction = transaction;
		this.retry = retry;
		this.clock = clock;
		this.concurrency = concurrency;
		this.held = held;
		this.backlog = backlog;
		this.threads = threads;
		this.signal = signal;
	}

	/**
	 * Start runs on free threads, those claimed ahead first, then claim for the threads
	 * left and ahead for those to come. The threads are taken before claiming: a send may
	 * reserve threads meanwhile.
	 * @return whether the claim took all it asked for, so more runs may be due at once
	 */
	boolean claimAndSubmit() {
		int taken = this.held.takeThreads(gatherFreeThreads());
		int room = taken - startAhead(taken);
		boolean aheadTaken = this.backlog.takenSinceLastClaim();
		int limit = room + ((taken > 0 || aheadTaken) ? this.backlog.room() : 0);
		if (limit == 0 || (room == 0 && this.backlog.hasEnoughAhead())) {
			// Every thread is busy, and enough runs are claimed ahead for the next ones
			// or none are taken; claiming for each one taken would make a claim per run.
			this.backlog.set(true);
			return false;
		}
		List<ClaimedRun> runs = claim(limit);
		int starting = Math.min(room, runs.size());
		this.held.returnThreads(room - starting);
		for (int i = 0; i < runs.size(); i++) {
			ClaimedRun run = runs.get(i);
			this.held.hold(run.id());
			if (i < starting) {
				this.threads.submit(run);
			}
			else {
				this.backlog.add(run);
			}
		}
		boolean full = runs.size() == limit;
		this.backlog.set(full);
		return full;
	}

	/**
	 * How many threads are free to take runs. Under a backlog they free up one at a time
	 * as runs end; claiming for each would cost a claim transaction per run, so wait a
	 * moment (at most {@link #GATHER}) for a quarter of the pool to be free.
	 */
	private int gatherFreeThreads() {
		int free = this.held.freeThreads();
		int batch = Math.max(1, this.concurrency / 4);
		if (this.backlog.isOn() && free > 0 && free < batch) {
			try {
				this.held.awaitFreeThreads(batch, GATHER);
			}
			catch (InterruptedException ex) {
				this.signal.stopOnInterrupt();
			}
			free = this.held.freeThreads();
		}
		return free;
	}

	private List<ClaimedRun> claimGated(int limit) {
		if (!this.registry.hasGates()) {
			long now = System.nanoTime();
			if (now - this.ungatedLookAt < UNGATED_LOOK.toNanos()) {
				return List.of();
			}
			this.ungatedLookAt = now;
		}
		return this.store.claimGated(this.held.owner(), this.registry.gateLimits(), limit, this.clock.instant(),
				this.held.leaseUntil());
	}

	private List<ClaimedRun> claimOthers(int limit) {
		return this.store.claim(this.held.owner(), this.registry.ids(), limit, this.clock.instant(),
				this.held.leaseUntil());
	}

	/**
	 * Start runs claimed ahead on threads taken for them.
	 * @return how many were started
	 */
	private int startAhead(int count) {
		int started = 0;
		ClaimedRun ready;
		while (started < count && (ready = this.backlog.next()) != null) {
			this.threads.submit(ready);
			started++;
		}
		return started;
	}

	/**
	 * Claim the runs behind gates and the others in one transaction, each kind first in
	 * turn, so that neither keeps the other waiting under a backlog of both.
	 */
	private List<ClaimedRun> claim(int limit) {
		boolean gatedFirst = this.gatedFirst;
		this.gatedFirst = !gatedFirst;
		try {
			return this.retry.onTransientFailure(() -> this.transaction.execute((status) -> {
				List<ClaimedRun> first = gatedFirst ? claimGated(limit) : claimOthers(limit);
				List<ClaimedRun> second = gatedFirst ? claimOthers(limit - first.size())
						: claimGated(limit - first.size());
				if (second.isEmpty()) {
					return first;
				}
				List<ClaimedRun> all = new ArrayList<>(first);
				all.addAll(second);
				return all;
			}));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not claim runs; trying again at the next poll", ex);
			return List.of();
		}
	}

}
