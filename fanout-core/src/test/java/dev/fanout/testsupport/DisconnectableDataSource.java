package dev.fanout.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A data source that can lose its database on demand, to play an instance that is cut off
 * (or paused) while its threads keep running: new connections fail until
 * {@link #reconnect()}.
 */
public final class DisconnectableDataSource extends DelegatingDataSource {

	private volatile boolean disconnected;

	/** Whose new connections fail while disconnected: every thread's unless set. */
	private volatile String threadPrefix = "";

	public DisconnectableDataSource(DataSource target) {
		super(target);
	}

	/**
	 * Fail every new connection from now on.
	 */
	public void disconnect() {
		this.threadPrefix = "";
		this.disconnected = true;
	}

	/**
	 * Fail the new connections of the threads whose names start with a prefix from now
	 * on, such as the engine's writer ({@code fanout-commit}), while others go on.
	 * @param prefix the start of the threads' names
	 */
	public void disconnectThreads(String prefix) {
		this.threadPrefix = prefix;
		this.disconnected = true;
	}

	/**
	 * Hand out connections again.
	 */
	public void reconnect() {
		this.disconnected = false;
	}

	@Override
	public Connection getConnection() throws SQLException {
		check();
		return super.getConnection();
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		check();
		return super.getConnection(username, password);
	}

	private void check() throws SQLException {
		if (this.disconnected && Thread.currentThread().getName().startsWith(this.threadPrefix)) {
			throw new SQLTransientConnectionException("Disconnected by the test");
		}
	}

}
