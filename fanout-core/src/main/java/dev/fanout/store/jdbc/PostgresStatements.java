package dev.fanout.store.jdbc;

import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.JdbcOperations;

import dev.fanout.store.ClaimedRun;

/**
 * PostgreSQL statements: claims with {@code FOR UPDATE SKIP LOCKED} in a materialized
 * CTE, and upserts with {@code ON CONFLICT}.
 */
final class PostgresStatements extends Statements {

	static final String CLAIM = """
			WITH next AS MATERIALIZED (
				SELECT id FROM fanout_runs
				WHERE status IN ('QUEUED', 'RUNNING') AND due_at <= ? AND function_id = ANY (?)
				ORDER BY due_at
				LIMIT ?
				FOR UPDATE SKIP LOCKED
			)
			UPDATE fanout_runs r
			SET status = 'RUNNING', lease_owner = ?, due_at = ?, attempts = r.attempts + 1,
				started_at = COALESCE(r.started_at, ?)
			FROM next, fanout_events e
			WHERE r.id = next.id AND e.seq = r.event_seq
			RETURNING r.id, r.function_id, r.attempts, r.failures, r.retry_attempt,
				e.id AS event_id, e.name, e.data, e.user_data, e.ts, e.v
			""";

	static final String UPSERT_STEP = """
			INSERT INTO fanout_steps AS s
				(run_id, step_key, position, status, output, output_type, error, error_stack, attempts, started_at, ended_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (run_id, step_key) DO UPDATE
			SET status = EXCLUDED.status, output = EXCLUDED.output, output_type = EXCLUDED.output_type,
				error = COALESCE(EXCLUDED.error, s.error), error_stack = COALESCE(EXCLUDED.error_stack, s.error_stack),
				attempts = EXCLUDED.attempts, ended_at = EXCLUDED.ended_at
			WHERE s.status <> 'COMPLETED'
			""";

	static final String ACCEPT_EVENT_IDS = """
			INSERT INTO fanout_event_ids AS k (id, seen_at)
			SELECT unnest(?::varchar[]), ?
			ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE k.seen_at < ?
			RETURNING id
			""";

	PostgresStatements(String prefix) {
		super(prefix);
	}

	@Override
	List<ClaimedRun> claim(JdbcOperations jdbc, SqlArray functionIds, int limit, String owner, OffsetDateTime now,
			OffsetDateTime leaseUntil) {
		return jdbc.query(sql(CLAIM), Rows.CLAIMED_RUN, now, functionIds, limit, owner, leaseUntil, now);
	}

	@Override
	boolean hasUpsert() {
		return true;
	}

	@Override
	String upsertStep() {
		return sql(UPSERT_STEP);
	}

	@Override
	String acceptEventIds() {
		return sql(ACCEPT_EVENT_IDS);
	}

}
