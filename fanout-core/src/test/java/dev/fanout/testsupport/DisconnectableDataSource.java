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

	public DisconnectableDataSource(DataSource target) {
		super(target);
	}

	/**
	 * Fail every new connection from now on.
	 */
	public void disconnect() {
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
		if (this.disconnected) {
			throw new SQLTransientConnectionException("Disconnected by the test");
		}
	}

}
