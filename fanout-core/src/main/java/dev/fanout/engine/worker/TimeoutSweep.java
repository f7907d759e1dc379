package dev.fanout.engine.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.sending.RunCanceller;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.store.RunStore;

/**
 * Cancels runs past their timeouts, when the dispatcher is about to wait; dispatcher
 * only.
 */
final class TimeoutSweep {

	private static final Logger logger = LoggerFactory.getLogger(TimeoutSweep.class);

	/**
	 * How often, at most, the dispatcher looks for runs past their timeouts: under load
	 * it loops once per claim, and looking every time would double its queries.
	 */
	private static final Duration OVERDUE_CHECK_INTERVAL = Duration.ofMillis(100);

	private final LocalFunctions registry;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final Clock clock;

	private final RunCanceller cancellations;

	/**
	 * When the dispatcher last looked for runs past their timeouts
	 * ({@link System#nanoTime()}).
	 */
	private long checkedAt = System.nanoTime() - OVERDUE_CHECK_INTERVAL.toNanos();

	TimeoutSweep(LocalFunctions registry, RunStore store, TransactionTemplate transaction, RetrySupport retry,
			Clock clock, RunCanceller cancellations) {
		this.registry = registry;
		this.store = store;
		this.transaction = transaction;
		this.retry = retry;
		this.clock = clock;
		this.cancellations = cancellations;
	}

	void cancelOverdue() {
		// Only runs of functions with @Timeouts have deadlines; without any, the query
		// would only cost time, a lot of it over a deep queue.
		if (this.registry.all()
			.stream()
			.noneMatch((function) -> function.startTimeout() != null || function.finishTimeout() != null)) {
			return;
		}
		long now = System.nanoTime();
		if (now - this.checkedAt < OVERDUE_CHECK_INTERVAL.toNanos()) {
			return;
		}
		this.checkedAt = now;
		try {
			List<Map.Entry<String, String>> overdue = this.transaction
				.execute((status) -> this.store.overdue(this.clock.instant(), 100));
			for (Map.Entry<String, String> run : overdue) {
				this.retry.onTransientFailure(() -> this.transaction
					.execute((status) -> this.cancellations.cancel(run.getKey(), String.valueOf(run.getValue()))));
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not cancel runs past their timeouts; trying again at the next poll", ex);
		}
	}

}
