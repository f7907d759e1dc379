package dev.fanout.engine.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.store.RunStore;

/**
 * The dispatcher thread: on each pass it creates the runs of the cron ticks that have
 * come, hands back the runs claimed ahead that no thread took and claims; when nothing
 * more is due at once it cancels runs past their timeouts and waits until woken, until
 * the next run is due or the next cron tick, at most a poll interval.
 */
final class Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	/**
	 * How long a future due time read from the database is reused without reading it
	 * again.
	 */
	private static final Duration NEXT_DUE_REUSE = Duration.ofMillis(50);

	private final LocalFunctions registry;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final Duration pollInterval;

	private final Schedules crons;

	private final Claimer claimer;

	private final Backlog backlog;

	private final TimeoutSweep sweep;

	private final Signal signal;

	/**
	 * The next due time last read, and when ({@link System#nanoTime()}); dispatcher only.
	 */
	private @Nullable Instant nextDue;

	private long nextDueReadAt;

	private Thread thread;

	Dispatcher(LocalFunctions registry, RunStore store, TransactionTemplate transaction, Clock clock,
			Duration pollInterval, Schedules crons, Claimer claimer, Backlog backlog, TimeoutSweep sweep,
			Signal signal) {
		this.registry = registry;
		this.store = store;
		this.transaction = transaction;
		this.clock = clock;
		this.pollInterval = pollInterval;
		this.crons = crons;
		this.claimer = claimer;
		this.backlog = backlog;
		this.sweep = sweep;
		this.signal = signal;
	}

	void start() {
		this.thread = new DaemonThreads("fanout-dispatcher-").newThread(this::dispatch);
		this.thread.start();
	}

	void join(long millis) throws InterruptedException {
		this.thread.join(millis);
	}

	private void dispatch() {
		while (!this.signal.isStopping()) {
			// Before claiming, so that a tick's new run is claimed on this pass.
			this.crons.fireDue();
			this.backlog.handBackOlderThan(this.pollInterval);
			if (!this.claimer.claimAndSubmit()) {
				this.sweep.cancelOverdue();
				// With every thread busy the next due time does not matter: a finishing
				// run wakes the dispatcher, and waiting for the due time would spin.
				this.signal.await(untilNextTick(this.backlog.isOn() ? this.pollInterval : untilNextDue()));
			}
		}
	}

	/**
	 * How long to wait: until the next sleeping, waiting or retrying run is due (so it
	 * resumes on time without a timer per run), and at most one poll interval.
	 */
	private Duration untilNextDue() {
		Instant now = this.clock.instant();
		Instant next = this.nextDue;
		// Under load the dispatcher loops often: a future due time read a moment ago
		// still stands, and local pauses and retries set timers of their own.
		if (next == null || !next.isAfter(now) || System.nanoTime() - this.nextDueReadAt > NEXT_DUE_REUSE.toNanos()) {
			try {
				Optional<Instant> read = this.transaction
					.execute((status) -> this.store.nextDue(this.registry.ids(), now));
				next = (read != null) ? read.orElse(null) : null;
				this.nextDue = next;
				this.nextDueReadAt = System.nanoTime();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not read when the next run is due; polling", ex);
				return this.pollInterval;
			}
		}
		if (next == null) {
			return this.pollInterval;
		}
		return shortest(Duration.between(now, next), this.pollInterval);
	}

	/**
	 * A wait cut short by the next cron tick, so that ticks fire on time.
	 */
	private Duration untilNextTick(Duration wait) {
		Optional<Instant> tick = this.crons.nextCheck();
		if (tick.isEmpty()) {
			return wait;
		}
		return shortest(Duration.between(this.clock.instant(), tick.get()), wait);
	}

	/**
	 * The shorter of a wait until a time, none if it is past, and another wait.
	 */
	private static Duration shortest(Duration until, Duration wait) {
		return until.isNegative() ? Duration.ZERO : (until.compareTo(wait) < 0) ? until : wait;
	}

}
