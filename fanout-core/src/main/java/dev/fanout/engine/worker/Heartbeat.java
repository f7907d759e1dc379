package dev.fanout.engine.worker;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.store.RunStore;

/**
 * Extends the leases of the runs held here while they are in progress, and keeps this
 * application's last-seen time current.
 */
final class Heartbeat {

	private static final Logger logger = LoggerFactory.getLogger(Heartbeat.class);

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final EngineSettings settings;

	private final HeldRuns held;

	Heartbeat(RunStore store, TransactionTemplate transaction, Clock clock, EngineSettings settings, HeldRuns held) {
		this.store = store;
		this.transaction = transaction;
		this.clock = clock;
		this.settings = settings;
		this.held = held;
	}

	/**
	 * Beat on a timer until it is shut down.
	 */
	void schedule(ScheduledExecutorService timer) {
		long heartbeat = Math.max(this.settings.leaseDuration().toMillis() / 3, 100);
		timer.scheduleWithFixedDelay(this::extendLeases, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
		timer.scheduleWithFixedDelay(this::seen, 1, 1, TimeUnit.MINUTES);
	}

	private void extendLeases() {
		if (this.held.ids().isEmpty()) {
			return;
		}
		try {
			this.transaction.execute((status) -> this.store.extendLeases(this.held.owner(),
					List.copyOf(this.held.ids()), this.held.leaseUntil()));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not extend the leases of runs {}", this.held.ids(), ex);
		}
	}

	/**
	 * Keep this application's last-seen time in the function table current, so an
	 * operator can tell a retired application from a running one.
	 */
	private void seen() {
		try {
			this.transaction.executeWithoutResult(
					(status) -> this.store.touchFunctions(this.settings.appId(), this.clock.instant()));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record that application '{}' is running", this.settings.appId(), ex);
		}
	}

}
