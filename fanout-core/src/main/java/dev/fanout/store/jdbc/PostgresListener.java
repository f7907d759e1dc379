package dev.fanout.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fanout.store.Listening;

/**
 * Listens for other instances' notifications on a connection of its own and wakes the
 * local dispatcher when runs of this application are announced. A dropped connection is
 * opened again after a pause; the dispatcher is woken after every (re)connection, since
 * notifications sent meanwhile are lost, and polling still covers the gap. It says since
 * when it has had no connection, for the engine's health: polling covers a short gap, not
 * a long one.
 */
final class PostgresListener implements Listening {

	private static final Logger logger = LoggerFactory.getLogger(PostgresListener.class);

	private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

	private static final int RECEIVE_TIMEOUT_MILLIS = 250;

	private final DataSource dataSource;

	private final String channel;

	private final String appId;

	private final Runnable onWake;

	private final Thread thread;

	private volatile boolean closed;

	/** Disconnected until the first {@code LISTEN} succeeds. */
	private volatile @Nullable Instant disconnectedSince = Instant.now();

	PostgresListener(DataSource dataSource, String channel, String appId, Runnable onWake) {
		this.dataSource = dataSource;
		this.channel = channel;
		this.appId = appId;
		this.onWake = onWake;
		this.thread = new Thread(this::listen, "fanout-listen");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void listen() {
		while (!this.closed) {
			try (Connection connection = this.dataSource.getConnection()) {
				try {
					receive(connection);
				}
				finally {
					if (!this.closed) {
						discardIfBroken(connection);
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (this.disconnectedSince == null) {
					this.disconnectedSince = Instant.now();
				}
				if (!this.closed) {
					logger.warn("Lost the connection that listens for other instances' runs; reconnecting in {}",
							RECONNECT_PAUSE, ex);
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RECONNECT_PAUSE.toMillis()));
				}
			}
		}
	}

	private void receive(Connection connection) throws SQLException {
		connection.setAutoCommit(true);
		try (Statement statement = connection.createStatement()) {
			// The channel is built from the validated table prefix: an identifier.
			statement.execute("LISTEN " + this.channel);
		}
		PGConnection postgres = connection.unwrap(PGConnection.class);
		this.disconnectedSince = null;
		this.onWake.run();
		while (!this.closed) {
			PGNotification[] notifications = postgres.getNotifications(RECEIVE_TIMEOUT_MILLIS);
			if (notifications != null && Arrays.stream(notifications).anyMatch(this::concernsThisApp)) {
				this.onWake.run();
			}
		}
	}

	/**
	 * Notifications are read from the driver's connection behind the pool's back, so a
	 * pool would not know it broke and would lend it out again: a query through the
	 * pool's own connection lets the pool see the failure and drop it.
	 */
	private static void discardIfBroken(Connection connection) {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT 1");
		}
		catch (SQLException ex) {
			// Expected when broken: the pool has seen it now.
		}
	}

	private boolean concernsThisApp(PGNotification notification) {
		String payload = notification.getParameter();
		return Arrays.stream(payload.split(",")).anyMatch((app) -> app.equals(this.appId) || app.equals("*"));
	}

	@Override
	public @Nullable Instant disconnectedSince() {
		return this.disconnectedSince;
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(2));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
