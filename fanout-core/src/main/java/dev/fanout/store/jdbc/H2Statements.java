package dev.fanout.store.jdbc;

import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.JdbcOperations;

import dev.fanout.store.ClaimedRun;

/**
 * H2 statements. H2 serves one instance, so a claim locks the due rows, then takes them.
 */
final class H2Statements extends Statements {

	static final String SELECT_DUE = """
			SELECT id FROM fanout_runs
			WHERE status IN ('QUEUED', 'RUNNING') AND due_at <= ? AND function_id = ANY (?)
			ORDER BY due_at
			LIMIT ?
			FOR UPDATE
			""";

	static final String TAKE = """
			UPDATE fanout_runs
			SET status = 'RUNNING', lease_owner = ?, due_at = ?, attempts = attempts + 1, started_at = COALESCE(started_at, ?)
			WHERE id = ANY (?)
			""";

	static final String SELECT_CLAIMED = """
			SELECT r.id, r.function_id, r.attempts, r.failures, r.retry_attempt,
				e.id AS event_id, e.name, e.data, e.user_data, e.ts, e.v
			FROM fanout_runs r JOIN fanout_events e ON e.seq = r.event_seq
			WHERE r.id = ANY (?)
			ORDER BY r.due_at
			""";

	H2Statements(String prefix) {
		super(prefix);
	}

	@Override
	List<ClaimedRun> claim(JdbcOperations jdbc, SqlArray functionIds, int limit, String owner, OffsetDateTime now,
			OffsetDateTime leaseUntil) {
		List<String> ids = jdbc.queryForList(sql(SELECT_DUE), String.class, now, functionIds, limit);
		if (ids.isEmpty()) {
			return List.of();
		}
		SqlArray runIds = new SqlArray(ids);
		jdbc.update(sql(TAKE), owner, leaseUntil, now, runIds);
		return jdbc.query(sql(SELECT_CLAIMED), Rows.CLAIMED_RUN, runIds);
	}

}
