package dev.fanout.store.jdbc;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import dev.fanout.store.CronTickStore;

import static dev.fanout.store.jdbc.Rows.time;

/**
 * The {@link CronTickStore} on JDBC, for H2 and PostgreSQL.
 *
 * @since 0.1.0
 */
public final class JdbcCronTickStore implements CronTickStore {

	private final JdbcTemplate jdbc;

	private final Statements statements;

	private final String appId;

	private JdbcCronTickStore(JdbcTemplate jdbc, Statements statements, String appId) {
		this.jdbc = jdbc;
		this.statements = statements;
		this.appId = appId;
	}

	/**
	 * Create a store for the database behind the data source.
	 * @param dataSource the data source
	 * @param tablePrefix the table name prefix, {@code fanout_} by default
	 * @param appId the application whose ticks this store records
	 * @return the store
	 * @throws IllegalStateException if the database is neither H2 nor PostgreSQL
	 */
	public static JdbcCronTickStore create(DataSource dataSource, String tablePrefix, String appId) {
		return new JdbcCronTickStore(new JdbcTemplate(dataSource), Dialect.of(dataSource, tablePrefix).statements(),
				appId);
	}

	@Override
	public Map<String, Instant> latestTicks() {
		Map<String, Instant> ticks = new LinkedHashMap<>();
		this.jdbc.query(sql(Sql.LATEST_CRON_TICKS),
				(RowCallbackHandler) (rs) -> ticks.put(rs.getString("function_id"), Rows.instant(rs, "tick_at")),
				this.appId);
		return ticks;
	}

	@Override
	public void markSeen(String functionId, Instant now) {
		insertUnlessTaken(sql(Sql.MARK_CRON_SEEN), this.appId, functionId, time(now), time(now), this.appId,
				functionId);
	}

	@Override
	public boolean claim(String functionId, Instant tickAt, Instant now) {
		return insertUnlessTaken(sql(Sql.CLAIM_CRON_TICK), this.appId, functionId, time(tickAt), time(now), this.appId,
				functionId, time(tickAt));
	}

	@Override
	public void recordRun(String functionId, Instant tickAt, String runId) {
		this.jdbc.update(sql(Sql.RECORD_CRON_RUN), runId, this.appId, functionId, time(tickAt));
	}

	private boolean insertUnlessTaken(String sql, Object... args) {
		try {
			return this.jdbc.update(sql, args) == 1;
		}
		catch (DuplicateKeyException ex) {
			// Another instance recorded the same row first (H2; PostgreSQL skips it).
			return false;
		}
	}

	private String sql(Sql statement) {
		return this.statements.get(statement);
	}

}
