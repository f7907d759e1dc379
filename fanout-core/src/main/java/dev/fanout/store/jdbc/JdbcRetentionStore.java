package dev.fanout.store.jdbc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.fanout.RunStatus;
import dev.fanout.store.RetentionStore;

import static dev.fanout.store.jdbc.Rows.time;

/**
 * The {@link RetentionStore} on JDBC, for H2 and PostgreSQL.
 *
 * @since 0.1.0
 */
public final class JdbcRetentionStore implements RetentionStore {

	private final JdbcTemplate jdbc;

	private final Statements statements;

	private final String appId;

	private JdbcRetentionStore(JdbcTemplate jdbc, Statements statements, String appId) {
		this.jdbc = jdbc;
		this.statements = statements;
		this.appId = appId;
	}

	/**
	 * Create a store for the database behind the data source.
	 * @param dataSource the data source
	 * @param tablePrefix the table name prefix, {@code fanout_} by default
	 * @param appId the application whose runs and cron ticks this store deletes
	 * @return the store
	 * @throws IllegalStateException if the database is neither H2 nor PostgreSQL
	 */
	public static JdbcRetentionStore create(DataSource dataSource, String tablePrefix, String appId) {
		return new JdbcRetentionStore(new JdbcTemplate(dataSource), Dialect.of(dataSource, tablePrefix).statements(),
				appId);
	}

	@Override
	public int deleteEndedRuns(Collection<RunStatus> statuses, Instant endedBefore, int limit) {
		// The selected runs stay locked until commit, so nothing requeues them between
		// these statements.
		List<String> ids = this.jdbc.queryForList(sql(Sql.ENDED_RUNS), String.class,
				new SqlArray(statuses.stream().map(RunStatus::name).toList()), time(endedBefore), this.appId, limit);
		if (ids.isEmpty()) {
			return 0;
		}
		SqlArray runIds = new SqlArray(ids);
		this.jdbc.update(sql(Sql.DELETE_STEPS_OF_RUNS), runIds);
		this.jdbc.update(sql(Sql.DELETE_WAITS_OF_RUNS), runIds);
		this.jdbc.update(sql(Sql.DELETE_BATCH_EVENTS_OF_RUNS), runIds);
		return this.jdbc.update(sql(Sql.DELETE_RUNS), runIds);
	}

	@Override
	public Optional<Instant> earliestUnfinishedStart() {
		return this.jdbc.query(sql(Sql.EARLIEST_UNFINISHED_START), (rs, n) -> Rows.nullableInstant(rs, "started_at"))
			.stream()
			.filter(Objects::nonNull)
			.findFirst();
	}

	@Override
	public int deleteUnreferencedEvents(Instant receivedBefore, int limit) {
		return deleteByKey(Sql.UNREFERENCED_EVENTS, Sql.DELETE_EVENTS, time(receivedBefore), limit);
	}

	@Override
	public int deleteEventIds(Instant seenBefore, int limit) {
		return deleteByKey(Sql.OLD_EVENT_IDS, Sql.DELETE_EVENT_IDS, time(seenBefore), limit);
	}

	@Override
	public int deleteReplays(Instant createdBefore, int limit) {
		return deleteByKey(Sql.OLD_REPLAYS, Sql.DELETE_REPLAYS, time(createdBefore), limit);
	}

	@Override
	public int deleteSpentFlowStates(Instant now, int limit) {
		return deleteByKey(Sql.SPENT_FLOW_STATES, Sql.DELETE_FLOW_STATES, time(now), limit);
	}

	@Override
	public int deleteCronTicks(Instant tickedBefore, int limit) {
		List<Object[]> ticks = this.jdbc.query(sql(Sql.OLD_CRON_TICKS), (rs, n) -> new Object[] { this.appId,
				rs.getString("function_id"), rs.getObject("tick_at", OffsetDateTime.class) }, this.appId,
				time(tickedBefore), limit);
		if (ticks.isEmpty()) {
			return 0;
		}
		return Arrays.stream(this.jdbc.batchUpdate(sql(Sql.DELETE_CRON_TICK), ticks)).sum();
	}

	@Override
	public int deleteIdleGates(Instant now, int limit) {
		return deleteByKey(Sql.IDLE_GATES, Sql.DELETE_GATES, time(now), limit);
	}

	/**
	 * Lock a batch of rows with a select of their keys, then delete them by key.
	 */
	private int deleteByKey(Sql select, Sql delete, Object... args) {
		List<String> keys = this.jdbc.queryForList(sql(select), String.class, args);
		return keys.isEmpty() ? 0 : this.jdbc.update(sql(delete), new SqlArray(keys));
	}

	private String sql(Sql statement) {
		return this.statements.get(statement);
	}

}
