package dev.fanout.store.jdbc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL's plans of the writes that find a run by its key, with the statistics of a
 * quiet queue and then a burst: taken while every run had ended, so the partial rank
 * index looks empty while it holds 40,000 active runs. Each write must find its run by
 * the primary key, not scan that index (which cost 13-20 ms per row, and made run endings
 * the benchmark's bottleneck).
 */
class PlannerTrapTests {

	private static final Object NOW = Rows.time(Instant.parse("2026-12-01T10:00:00Z"));

	private static final String RUN_ID = "00000000000000000000004100";

	private static FreshDatabase database;

	@BeforeAll
	static void quietQueueThenBurst() {
		database = TestDatabase.POSTGRESQL.create().createSchema();
		// Statistics stay as they were taken, as they do for up to a minute in
		// production.
		database.jdbc().execute("ALTER TABLE fanout_runs SET (autovacuum_enabled = false)");
		insertRuns(1, 4000, "'COMPLETED'", "NULL");
		database.jdbc().execute("ANALYZE fanout_runs");
		insertRuns(4001, 39000, "'QUEUED'", "NULL");
		insertRuns(39001, 44000, "'RUNNING'", "'worker-1'");
	}

	@AfterAll
	static void drop() {
		database.close();
	}

	@Test
	void theTrapIsSetForAByKeyWriteWithAStatusCondition() {
		assertThat(plan("UPDATE fanout_runs SET status = 'COMPLETED' WHERE id = ? AND status = 'RUNNING'", RUN_ID))
			.contains("fanout_runs_rank_idx");
	}

	@Test
	void writesFencedByTheLeaseOwnerUseThePrimaryKey() {
		assertUsesThePrimaryKey(Sql.FINISH.text(), "COMPLETED", "42", null, null, NOW, RUN_ID, "worker-1");
		assertUsesThePrimaryKey(PostgresDialect.freeingSlots(Sql.REQUEUE), NOW, NOW, 1, 1, "boom", RUN_ID, "worker-1");
		assertUsesThePrimaryKey(PostgresDialect.freeingSlots(Sql.PARK), "SLEEPING", NOW, NOW, RUN_ID, "worker-1");
		assertUsesThePrimaryKey(Sql.CANCEL_REQUESTED.text(), RUN_ID, "worker-1");
		assertUsesThePrimaryKey(Sql.HOLD_CANCELLING.text(), RUN_ID, "worker-1");
		assertUsesThePrimaryKey(Sql.REQUEST_CANCEL.text(), "stop", RUN_ID);
	}

	@Test
	void writesOfManyRunsUseThePrimaryKey() {
		SqlArray ids = new SqlArray(List.of(RUN_ID, "00000000000000000000004101"));
		assertUsesThePrimaryKey(Sql.LOCK_RUNS.text(), ids);
		assertUsesThePrimaryKey(Sql.EXTEND_LEASES.text(), NOW, NOW, "worker-1", ids);
		assertUsesThePrimaryKey(PostgresDialect.freeingSlots(Sql.RELEASE), NOW, NOW, "worker-1", ids);
		assertUsesThePrimaryKey(PostgresDialect.freeingSlots(Sql.UNCLAIM), NOW, NOW, "worker-1", ids);
		assertUsesThePrimaryKey(PostgresDialect.TAKE_LOCKED, ids, "worker-1", NOW, NOW, NOW, NOW);
	}

	@Test
	void theWritersStatementsForABatchUseThePrimaryKey() {
		String other = "00000000000000000000004101";
		List<Object[]> steps = List.of(
				new Object[] { RUN_ID, "charge", 0, "COMPLETED", "1", null, null, null, 1, null, NOW, NOW },
				new Object[] { other, "charge", 0, "COMPLETED", "2", null, null, null, 1, null, NOW, NOW });
		List<SqlArray> stepColumns = SqlArray.columns(Rows.STEP_TYPES, steps, (row) -> row);
		assertUsesThePrimaryKey(PostgresDialect.SAVE_HELD_STEPS, ownedBy(stepColumns));
		List<Object[]> ends = List.of(new Object[] { "COMPLETED", "1", null, null, NOW, RUN_ID },
				new Object[] { "COMPLETED", "2", null, null, NOW, other });
		List<SqlArray> endColumns = SqlArray.columns(Rows.END_TYPES, ends, (row) -> row);
		assertUsesThePrimaryKey(PostgresDialect.FINISH_ALL, ownedBy(endColumns));
		List<Object> both = new ArrayList<>(List.of(ownedBy(stepColumns)));
		both.addAll(List.of(ownedBy(endColumns)));
		assertUsesThePrimaryKey(PostgresDialect.SAVE_HELD_STEPS_AND_FINISH, both.toArray());
	}

	private static Object[] ownedBy(List<SqlArray> columns) {
		List<Object> args = new ArrayList<>(columns);
		args.add("worker-1");
		return args.toArray();
	}

	@Test
	void writesThatCheckAParkedStatusUseThePrimaryKey() {
		assertUsesThePrimaryKey(PostgresDialect.WAKE_BY_KEY, NOW, NOW, RUN_ID);
		assertUsesThePrimaryKey(PostgresDialect.CANCEL_PARKED_BY_KEY, "stop", NOW, RUN_ID);
	}

	private static void assertUsesThePrimaryKey(String sql, Object... args) {
		assertThat(plan(sql, args)).as(sql)
			.contains("fanout_runs_pkey")
			.doesNotContain("rank_idx")
			.doesNotContain("Seq Scan on fanout_runs");
	}

	private static String plan(String sql, Object... args) {
		return String.join("\n", database.jdbc().queryForList("EXPLAIN " + sql, String.class, args));
	}

	private static void insertRuns(int from, int to, String status, String owner) {
		database.jdbc()
			.update("INSERT INTO fanout_runs (id, app_id, function_id, event_seq, event_id, status, attempts, failures, "
					+ "retry_attempt, due_at, lease_owner, cancel_requested, created_at) "
					+ "SELECT lpad(g::text, 26, '0'), 'app', 'f' || (g % 2), 'seq' || g, 'event' || g, " + status
					+ ", 1, 0, 0, ?, " + owner + ", FALSE, ? FROM generate_series(?, ?) AS g", NOW, NOW, from, to);
	}

}
