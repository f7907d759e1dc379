package dev.fanout.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A database created for one benchmark run, with fanout's schema: a pooled data source
 * for the engine whose commits are counted, and a separate connection for the benchmark's
 * own queries, which are kept out of the counts. Closing it drops the database.
 *
 * @since 0.1.0
 */
public final class FreshDatabase implements AutoCloseable {

	/** How long PostgreSQL's statistics may take to settle after the last commit. */
	private static final Duration STATS_SETTLE_TIMEOUT = Duration.ofSeconds(20);

	/**
	 * How long after the engine went idle the count is complete. A backend that goes idle
	 * less than a second after it last reported holds its counts for 10 s
	 * (PGSTAT_IDLE_INTERVAL in PostgreSQL 15): a count read sooner misses the last
	 * transactions of every connection in the pool (a fifth of fanout's commits in a
	 * 2,000-event run).
	 */
	private static final Duration STATS_IDLE_FLUSH = Duration.ofMillis(10_500);

	/** Readings more than a second apart: each one is reported at once. */
	private static final Duration READING_INTERVAL = Duration.ofMillis(1200);

	private final String platform;

	private final HikariDataSource pool;

	private final CommitCountingDataSource engineDataSource;

	private final HikariDataSource monitorPool;

	private final JdbcTemplate monitor;

	private final AtomicLong ownStatements = new AtomicLong();

	private final Runnable drop;

	private final DataSourceTransactionManager transactionManager;

	/**
	 * Wrap a new, empty database and create fanout's tables in it.
	 * @param platform {@code h2} or {@code postgresql}
	 * @param pool the engine's pool
	 * @param monitorPool a pool for the benchmark's own queries
	 * @param drop drops the database once both pools are closed
	 */
	FreshDatabase(String platform, HikariDataSource pool, HikariDataSource monitorPool, Runnable drop) {
		this.platform = platform;
		this.pool = pool;
		this.engineDataSource = new CommitCountingDataSource(pool);
		this.monitorPool = monitorPool;
		this.monitor = new JdbcTemplate(monitorPool);
		this.drop = drop;
		this.transactionManager = new DataSourceTransactionManager(this.engineDataSource);
		new ResourceDatabasePopulator(new ClassPathResource(schemaScript(platform))).execute(pool);
	}

	static String schemaScript(String platform) {
		return "dev/fanout/store/jdbc/schema-" + platform + ".sql";
	}

	/**
	 * The platform.
	 * @return {@code h2} or {@code postgresql}
	 */
	public String platform() {
		return this.platform;
	}

	/**
	 * The engine's data source: pooled, commits counted.
	 * @return the data source
	 */
	public DataSource dataSource() {
		return this.engineDataSource;
	}

	/**
	 * The transaction manager of {@link #dataSource()}.
	 * @return the transaction manager
	 */
	public PlatformTransactionManager transactionManager() {
		return this.transactionManager;
	}

	/**
	 * Run one of the benchmark's own queries, off the engine's pool and counted, so that
	 * it can be left out of the database's commit count.
	 * @param <T> the row type
	 * @param sql the query
	 * @param rows maps each row
	 * @param args the bound parameters
	 * @return the rows
	 */
	public <T> List<T> query(String sql, RowMapper<T> rows, Object... args) {
		this.ownStatements.incrementAndGet();
		return this.monitor.query(sql, rows, args);
	}

	/**
	 * Count rows with one of the benchmark's own queries.
	 * @param sql a {@code SELECT COUNT(*)} query
	 * @param args the bound parameters
	 * @return the count
	 */
	public long count(String sql, Object... args) {
		return query(sql, (rs, n) -> rs.getLong(1), args).get(0);
	}

	/**
	 * Gather the optimizer's statistics of every table, as autovacuum (or H2 itself)
	 * would soon after the tables fill.
	 */
	public void analyze() {
		this.ownStatements.incrementAndGet();
		this.monitor.execute("ANALYZE");
	}

	/**
	 * The engine's commits so far. On PostgreSQL, the database's own count
	 * ({@code pg_stat_database.xact_commit}, read once it settles, since backends report
	 * it asynchronously) less the benchmark's own statements; elsewhere, the commits made
	 * through {@link #dataSource()}.
	 * @return the number of commits
	 */
	public long commits() {
		if (!"postgresql".equals(this.platform)) {
			return this.engineDataSource.commits();
		}
		String sql = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()";
		long deadline = System.nanoTime() + STATS_SETTLE_TIMEOUT.toNanos();
		long previous = count(sql);
		long previousAt = System.nanoTime();
		long idleFrom = -1;
		while (true) {
			LockSupport.parkNanos(READING_INTERVAL.toNanos());
			long current = count(sql);
			long now = System.nanoTime();
			// The pool checks the monitor's connection, idle for over half a second,
			// before this reading: Connection.isValid sends an empty query, which
			// PostgreSQL counts as a transaction.
			this.ownStatements.incrementAndGet();
			// Idle once nothing but the last reading and the check were counted between
			// two readings; counts reported later are the engine's held-back ones.
			if (idleFrom < 0 && current - previous <= 2) {
				idleFrom = previousAt;
			}
			if ((idleFrom >= 0 && now - idleFrom > STATS_IDLE_FLUSH.toNanos()) || now > deadline) {
				return current - this.ownStatements.get();
			}
			previous = current;
			previousAt = now;
		}
	}

	/**
	 * Where PostgreSQL's write-ahead log ends now, to measure what a run writes with
	 * {@link #walBytesSince}. The log is the server's, so the figure holds only while
	 * nothing else writes to it: the benchmark runs one database at a time.
	 * @return the position, or {@code null} where there is no such log (H2)
	 */
	public @Nullable String walPosition() {
		if (!"postgresql".equals(this.platform)) {
			return null;
		}
		return query("SELECT pg_current_wal_lsn()::text", (rs, n) -> rs.getString(1)).get(0);
	}

	/**
	 * The bytes of write-ahead log written since a position.
	 * @param position a position from {@link #walPosition()}, or {@code null}
	 * @return the bytes, or {@code NaN} without a position
	 */
	public double walBytesSince(@Nullable String position) {
		if (position == null) {
			return Double.NaN;
		}
		return query("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)", (rs, n) -> rs.getDouble(1), position)
			.get(0);
	}

	/**
	 * Whether the engine's commits are PostgreSQL's own count.
	 * @return {@code true} on PostgreSQL
	 */
	public boolean commitsFromDatabaseStatistics() {
		return "postgresql".equals(this.platform);
	}

	@Override
	public void close() {
		this.pool.close();
		this.monitorPool.close();
		this.drop.run();
	}

}
