package dev.fanout.store.jdbc;

import java.time.OffsetDateTime;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcOperations;

import dev.fanout.store.ClaimedRun;

/**
 * The SQL the JDBC store runs, as named constants written for the default {@code fanout_}
 * prefix. Subclasses hold what differs per database: claiming, and whether upserts exist.
 * Parameters are always bound.
 */
abstract class Statements {

	static final String DEFAULT_PREFIX = "fanout_";

	static final String EVENT_COLUMNS = "seq, id, name, data, user_data, ts, v, received_at, duplicate";

	static final String RUN_COLUMNS = "id, function_id, event_seq, event_id, status, attempts, failures, retry_attempt, due_at, created_at";

	static final String EXTEND_LEASE = """
			UPDATE fanout_runs SET due_at = ?
			WHERE id = ? AND lease_owner = ? AND status = 'RUNNING'
			""";

	static final String EXTEND_LEASES = """
			UPDATE fanout_runs SET due_at = ?
			WHERE lease_owner = ? AND status = 'RUNNING' AND id = ANY (?)
			""";

	static final String RELEASE = """
			UPDATE fanout_runs SET status = 'QUEUED', lease_owner = NULL, due_at = ?
			WHERE lease_owner = ? AND status = 'RUNNING' AND id = ANY (?)
			""";

	static final String REQUEUE = """
			UPDATE fanout_runs
			SET status = 'QUEUED', lease_owner = NULL, due_at = ?, failures = ?, retry_attempt = ?, error = ?
			WHERE id = ? AND lease_owner = ? AND status = 'RUNNING'
			""";

	static final String FINISH = """
			UPDATE fanout_runs
			SET status = ?, lease_owner = NULL, output = ?, error = ?, error_stack = ?, ended_at = ?
			WHERE id = ? AND lease_owner = ? AND status = 'RUNNING'
			""";

	static final String SELECT_STEPS = """
			SELECT step_key, position, status, output, output_type, error, error_stack, attempts, started_at, ended_at
			FROM fanout_steps WHERE run_id = ?
			""";

	static final String SELECT_STEPS_OF_RUNS = """
			SELECT run_id, step_key, position, status, output, output_type, error, error_stack, attempts, started_at, ended_at
			FROM fanout_steps WHERE run_id = ANY (?) ORDER BY run_id, position
			""";

	static final String SELECT_RUN = """
			SELECT id, function_id, event_id, status, attempts, output, error, created_at, started_at, ended_at
			FROM fanout_runs WHERE id = ?
			""";

	static final String SELECT_RUNS_OF_EVENT = """
			SELECT id, function_id, event_id, status, attempts, output, error, created_at, started_at, ended_at
			FROM fanout_runs WHERE event_id = ? ORDER BY id
			""";

	static final String UPDATE_STEP = """
			UPDATE fanout_steps
			SET status = ?, output = ?, output_type = ?, error = COALESCE(?, error), error_stack = COALESCE(?, error_stack),
				attempts = ?, ended_at = ?
			WHERE run_id = ? AND step_key = ? AND status <> 'COMPLETED'
			""";

	static final String INSERT_STEP = """
			INSERT INTO fanout_steps
				(run_id, step_key, position, status, output, output_type, error, error_stack, attempts, started_at, ended_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			""";

	static final String REFRESH_EVENT_ID = """
			UPDATE fanout_event_ids SET seen_at = ? WHERE id = ? AND seen_at < ?
			""";

	static final String INSERT_EVENT_ID = """
			INSERT INTO fanout_event_ids (id, seen_at) VALUES (?, ?)
			""";

	private final String prefix;

	Statements(String prefix) {
		if (!prefix.matches("[A-Za-z_][A-Za-z0-9_]{0,30}")) {
			throw new IllegalArgumentException("fanout.jdbc.table-prefix must be letters, digits and underscores "
					+ "starting with a letter or underscore, at most 31 characters: '" + prefix + "'");
		}
		this.prefix = prefix;
	}

	/**
	 * A statement with the configured table prefix.
	 * @param sql the statement written for the default prefix
	 * @return the statement for this store
	 */
	String sql(String sql) {
		return DEFAULT_PREFIX.equals(this.prefix) ? sql : sql.replace(DEFAULT_PREFIX, this.prefix);
	}

	/**
	 * Claim due runs; see {@link dev.fanout.store.RunStore#claim}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param functionIds the function ids as a SQL array
	 * @param limit the most runs to claim
	 * @param owner the lease owner
	 * @param now the current time
	 * @param leaseUntil the lease expiry
	 * @return the claimed runs
	 */
	abstract List<ClaimedRun> claim(JdbcOperations jdbc, SqlArray functionIds, int limit, String owner,
			OffsetDateTime now, OffsetDateTime leaseUntil);

	/**
	 * Whether steps are saved with one upsert statement rather than an update then an
	 * insert.
	 * @return whether {@link #upsertStep()} is supported
	 */
	boolean hasUpsert() {
		return false;
	}

	String upsertStep() {
		throw new UnsupportedOperationException();
	}

	/**
	 * The dedup statement that inserts or refreshes many ids and returns those that were
	 * new, or {@code null} when the database needs one id at a time.
	 * @return the statement or {@code null}
	 */
	@Nullable String acceptEventIds() {
		return null;
	}

}
