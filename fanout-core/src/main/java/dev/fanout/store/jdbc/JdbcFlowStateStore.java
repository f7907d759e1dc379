package dev.fanout.store.jdbc;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.fanout.RunStatus;
import dev.fanout.store.BatchEvent;
import dev.fanout.store.FlowState;
import dev.fanout.store.FlowStateStore;
import dev.fanout.store.OpenRun;
import dev.fanout.store.RunFlow;

import static dev.fanout.store.jdbc.Rows.time;

/**
 * The {@link FlowStateStore} on JDBC, for H2 and PostgreSQL.
 *
 * @since 0.1.0
 */
public final class JdbcFlowStateStore implements FlowStateStore {

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements statements;

	private JdbcFlowStateStore(JdbcTemplate jdbc, Dialect dialect) {
		this.jdbc = jdbc;
		this.dialect = dialect;
		this.statements = dialect.statements();
	}

	/**
	 * Create a store for the database behind the data source.
	 * @param dataSource the data source
	 * @param tablePrefix the table name prefix, {@code fanout_} by default
	 * @return the store
	 * @throws IllegalStateException if the database is neither H2 nor PostgreSQL
	 */
	public static JdbcFlowStateStore create(DataSource dataSource, String tablePrefix) {
		return new JdbcFlowStateStore(new JdbcTemplate(dataSource), Dialect.of(dataSource, tablePrefix));
	}

	@Override
	public Map<String, FlowState> lock(Collection<String> keys) {
		Map<String, FlowState> states = new LinkedHashMap<>();
		if (!keys.isEmpty()) {
			this.dialect.lockFlowStates(this.jdbc, List.copyOf(keys))
				.forEach((state) -> states.put(state.key(), state));
		}
		return states;
	}

	@Override
	public void save(Collection<FlowState> states) {
		if (!states.isEmpty()) {
			this.jdbc.batchUpdate(sql(Sql.SAVE_FLOW_STATE), states.stream().map(Rows::flowStateValues).toList());
		}
	}

	@Override
	public List<String> unfinishedRuns(String functionId, String singletonKey) {
		return this.jdbc.queryForList(sql(Sql.UNFINISHED_SINGLETON_RUNS), String.class, functionId, singletonKey);
	}

	@Override
	public Optional<OpenRun> lockOpenRun(String runId) {
		return this.jdbc.query(sql(Sql.LOCK_RUN), (rs, n) -> {
			boolean open = RunStatus.QUEUED.name().equals(rs.getString("status")) && rs.getInt("attempts") == 0;
			return open ? new OpenRun(rs.getString("id"), rs.getString("event_seq"), rs.getString("event_id"),
					Rows.flow(rs)) : null;
		}, runId).stream().filter(Objects::nonNull).findFirst();
	}

	@Override
	public void retrigger(String runId, String eventSeq, String eventId, RunFlow flow, Instant dueAt) {
		this.jdbc.update(sql(Sql.RETRIGGER), eventSeq, eventId, flow.priority(), time(dueAt),
				Rows.rankAt(dueAt, flow.priority()), flow.gate(), flow.slot1(), flow.slot2(), flow.throttle(),
				flow.singleton(), runId);
	}

	@Override
	public void insertBatchEvents(List<BatchEvent> events) {
		RowsInsert.insertAll(this.jdbc, sql(Sql.INSERT_BATCH_EVENTS), events, Rows::batchEventValues);
	}

	private String sql(Sql statement) {
		return this.statements.get(statement);
	}

}
