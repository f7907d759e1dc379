package dev.fanout.store.jdbc;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Tells the other instances that runs are due, with a {@code NOTIFY} sent inside the
 * transaction that created them, so PostgreSQL delivers it at commit and never before. A
 * {@code NOTIFY} takes a lock that serialises committing transactions, so one instance
 * sends at most one per interval; a transaction that falls inside the interval leaves its
 * wake-up to a notification sent on its own once the interval is over, so none is lost,
 * only delayed by at most the interval.
 */
final class PostgresAnnouncer {

	private static final Logger logger = LoggerFactory.getLogger(PostgresAnnouncer.class);

	static final String NOTIFY = "SELECT pg_notify(?, ?)";

	private final String channel;

	private final long intervalNanos;

	private final JdbcOperations autoCommit;

	private final Set<String> pending = new TreeSet<>();

	private long lastSent = System.nanoTime() - Long.MAX_VALUE / 2;

	private boolean scheduled;

	private ScheduledExecutorService later;

	PostgresAnnouncer(String channel, long intervalMillis, JdbcOperations autoCommit) {
		this.channel = channel;
		this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
		this.autoCommit = autoCommit;
	}

	/**
	 * Announce runs of these applications, in the current transaction.
	 * @param jdbc the transaction's JDBC operations
	 * @param appIds the applications that have new or newly due runs
	 */
	void announce(JdbcOperations jdbc, Collection<String> appIds) {
		String payload;
		synchronized (this) {
			long now = System.nanoTime();
			if (now - this.lastSent < this.intervalNanos) {
				this.pending.addAll(appIds);
				scheduleLater(this.intervalNanos - (now - this.lastSent));
				return;
			}
			this.lastSent = now;
			payload = String.join(",", new TreeSet<>(appIds));
		}
		jdbc.queryForObject(NOTIFY, Object.class, this.channel, payload);
	}

	private void scheduleLater(long delayNanos) {
		if (this.scheduled) {
			return;
		}
		if (this.later == null) {
			this.later = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "fanout-notify");
				thread.setDaemon(true);
				return thread;
			});
		}
		this.scheduled = true;
		this.later.schedule(this::sendPending, delayNanos, TimeUnit.NANOSECONDS);
	}

	private void sendPending() {
		String payload;
		synchronized (this) {
			this.scheduled = false;
			this.lastSent = System.nanoTime();
			payload = String.join(",", this.pending);
			this.pending.clear();
		}
		try {
			// Its transactions have committed (or will, by the time this is delivered
			// and a listener claims): a late wake-up finds their runs.
			this.autoCommit.queryForObject(NOTIFY, Object.class, this.channel, payload);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not notify other instances of new runs; they find them at their next poll", ex);
		}
	}

}
