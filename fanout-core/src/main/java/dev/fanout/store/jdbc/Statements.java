package dev.fanout.store.jdbc;

import java.sql.DatabaseMetaData;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

import dev.fanout.RunStatus;
import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.PendingWait;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStep;
import dev.fanout.store.StoredStep;

import static dev.fanout.store.jdbc.Rows.nullableTime;
import static dev.fanout.store.jdbc.Rows.time;

/**
 * The SQL the JDBC store runs, as named constants written for the default {@code fanout_}
 * prefix. Subclasses hold what differs per database: claiming, and whether upserts exist.
 * Parameters are always bound.
 * <p>
 * A run has a lease owner exactly while it is {@code RUNNING}: the claim sets both, every
 * change of status away from {@code RUNNING} clears the owner, and the schema's
 * {@code fanout_runs_lease_check} refuses anything else. So a write fenced by
 * {@code lease_owner = ?} needs no condition on the status, and has none, because on
 * PostgreSQL such a condition implies the predicate of the partial due-time index: when
 * the statistics were taken while no run was active (a quiet queue, then a burst), the
 * planner believes that index empty and scans all of it for each row, instead of the
 * primary key ({@code PlannerTrapTests}).
 */
abstract class Statements {

	static final String DEFAULT_PREFIX = "fanout_";

	static final String EVENT_COLUMNS = "seq, id, name, data, user_data, ts, v, received_at, duplicate";

	static final String RUN_COLUMNS = "id, app_id, function_id, event_seq, event_id, status, attempts, failures, retry_attempt, "
			+ "due_at, created_at, cancel_requested, deadline_at, deadline_reason, parent_run_id, parent_step_key, "
			+ "lease_owner, started_at";

	static final String WAIT_COLUMNS = "run_id, step_key, kind, event_name, match_expr, expires_at";

	/** The columns of a run with its event, as {@link Rows#CLAIMED_RUN} reads them. */
	static final String RUN_WITH_EVENT = """
			r.id, r.function_id, r.attempts, r.failures, r.retry_attempt, r.started_at, r.cancel_requested,
			r.parent_run_id, r.parent_step_key, e.id AS event_id, e.name, e.data, e.user_data, e.ts, e.v
			""";

	static final String SELECT_RUN_WITH_EVENT = "SELECT " + RUN_WITH_EVENT
			+ " FROM fanout_runs r JOIN fanout_events e ON e.seq = r.event_seq WHERE r.id = ?";

	static final String PENDING_WAITS = "SELECT w.run_id, w.step_key, w.kind, w.event_name, w.match_expr, w.expires_at, "
			+ RUN_WITH_EVENT + """
					FROM fanout_waits w
					JOIN fanout_runs r ON r.id = w.run_id
					JOIN fanout_events e ON e.seq = r.event_seq
					WHERE w.event_name = ANY (?) AND w.expires_at > ?
					ORDER BY w.run_id, w.step_key
					""";

	static final String EVENTS_SINCE = """
			SELECT seq, id, name, data, user_data, ts, v FROM fanout_events
			WHERE name = ? AND received_at >= ? AND seq > ? AND duplicate = FALSE
			ORDER BY seq
			LIMIT ?
			""";

	static final String INSERT_WAIT = """
			INSERT INTO fanout_waits (run_id, step_key, kind, event_name, match_expr, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)
			""";

	static final String DELETE_WAIT = "DELETE FROM fanout_waits WHERE run_id = ? AND kind = 'event' AND step_key = ?";

	static final String RESOLVE_WAITING_STEP = """
			UPDATE fanout_steps
			SET status = ?, output = ?, output_type = ?, error = ?, error_stack = ?, ended_at = ?
			WHERE run_id = ? AND step_key = ? AND status = 'WAITING'
			""";

	static final String WAKE = """
			UPDATE fanout_runs SET status = 'QUEUED', due_at = ?
			WHERE id = ? AND status IN ('SLEEPING', 'WAITING')
			""";

	static final String PARK = """
			UPDATE fanout_runs SET status = ?, due_at = ?, lease_owner = NULL
			WHERE id = ? AND lease_owner = ? AND cancel_requested = FALSE
			""";

	static final String CANCEL_REQUESTED = """
			SELECT error FROM fanout_runs
			WHERE id = ? AND lease_owner = ? AND cancel_requested = TRUE
			""";

	static final String CANCEL_PARKED = """
			UPDATE fanout_runs SET status = 'CANCELLED', lease_owner = NULL, error = ?, ended_at = ?
			WHERE id = ? AND status IN ('QUEUED', 'SLEEPING', 'WAITING')
			""";

	static final String REQUEST_CANCEL = """
			UPDATE fanout_runs SET cancel_requested = TRUE, error = ?
			WHERE id = ? AND lease_owner IS NOT NULL AND cancel_requested = FALSE
			""";

	static final String SET_DEADLINE = "UPDATE fanout_runs SET deadline_at = ?, deadline_reason = ? WHERE id = ?";

	static final String OVERDUE = """
			SELECT id, deadline_reason FROM fanout_runs
			WHERE deadline_at <= ? AND status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING') AND cancel_requested = FALSE
			ORDER BY deadline_at
			LIMIT ?
			""";

	static final String NEXT_DUE = """
			SELECT MIN(due_at) AS next_due FROM fanout_runs
			WHERE status IN ('QUEUED', 'SLEEPING', 'WAITING') AND app_id = ? AND function_id = ANY (?)
			""";

	/**
	 * Locks, rather than updates, the rows: a new row version would also mean new entries
	 * in every index of the table, for each step (the heartbeat keeps the leases).
	 * Whether the owner holds each run is read, not filtered on (see the class comment).
	 */
	static final String LOCK_RUNS = """
			SELECT id, lease_owner, status, cancel_requested FROM fanout_runs WHERE id = ANY (?) ORDER BY id FOR UPDATE
			""";

	static final String HOLD_CANCELLING = """
			UPDATE fanout_runs SET due_at = due_at
			WHERE id = ? AND lease_owner = ? AND cancel_requested = TRUE
			""";

	/**
	 * Rows a commit is writing are skipped: that write extends their lease itself, and
	 * waiting for it while holding other rows could deadlock with it.
	 */
	static final String EXTEND_LEASES = """
			UPDATE fanout_runs SET due_at = ?
			WHERE id IN (
				SELECT id FROM fanout_runs
				WHERE lease_owner = ? AND id = ANY (?)
				ORDER BY id
				FOR UPDATE SKIP LOCKED
			)
			""";

	static final String RELEASE = """
			UPDATE fanout_runs SET status = 'QUEUED', lease_owner = NULL, due_at = ?
			WHERE lease_owner = ? AND id = ANY (?)
			""";

	/**
	 * {@link #RELEASE} for runs claimed and never started: the claim's attempt is taken
	 * back, and so is its start time when it was the run's first (the condition reads the
	 * attempts before this update).
	 */
	static final String UNCLAIM = """
			UPDATE fanout_runs SET status = 'QUEUED', lease_owner = NULL, due_at = ?, attempts = attempts - 1,
				started_at = CASE WHEN attempts = 1 THEN NULL ELSE started_at END
			WHERE lease_owner = ? AND id = ANY (?)
			""";

	static final String REQUEUE = """
			UPDATE fanout_runs
			SET status = 'QUEUED', lease_owner = NULL, due_at = ?, failures = ?, retry_attempt = ?, error = ?
			WHERE id = ? AND lease_owner = ? AND cancel_requested = FALSE
			""";

	static final String FINISH = """
			UPDATE fanout_runs
			SET status = ?, lease_owner = NULL, output = ?, error = ?, error_stack = ?, ended_at = ?
			WHERE id = ? AND lease_owner = ?
			""";

	static final String SELECT_STEPS = """
			SELECT step_key, position, status, output, output_type, error, error_stack, attempts, wake_at, started_at, ended_at
			FROM fanout_steps WHERE run_id = ?
			""";

	static final String SELECT_STEPS_OF_RUNS = """
			SELECT run_id, step_key, position, status, output, output_type, error, error_stack, attempts, wake_at, started_at, ended_at
			FROM fanout_steps WHERE run_id = ANY (?) ORDER BY run_id, position
			""";

	static final String SELECT_RUN = """
			SELECT id, function_id, event_id, status, attempts, output, error, created_at, started_at, ended_at
			FROM fanout_runs WHERE id = ?
			""";

	/** The runs a query lists, before its filters; see {@link JdbcRunStore#runs}. */
	static final String SELECT_RUNS = """
			SELECT id, function_id, event_id, status, attempts, output, error, created_at, started_at, ended_at
			FROM fanout_runs WHERE 1 = 1""";

	/**
	 * Locked, so that retention cannot delete a run, and then its event, while a replay
	 * creates a new run from that event; concurrent replays of the same runs take turns.
	 */
	static final String REPLAYABLE_RUNS = """
			SELECT id, event_seq, event_id FROM fanout_runs
			WHERE app_id = ? AND function_id = ? AND status = ? AND created_at >= ? AND created_at < ?
			ORDER BY id
			FOR UPDATE
			""";

	static final String REQUEUE_FOR_REPLAY = """
			UPDATE fanout_runs
			SET status = 'QUEUED', due_at = ?, lease_owner = NULL, failures = 0, retry_attempt = 0,
				cancel_requested = FALSE, deadline_at = NULL, deadline_reason = NULL, output = NULL, error = NULL,
				error_stack = NULL, ended_at = NULL
			WHERE id = ? AND status = ?
			""";

	static final String DELETE_UNFINISHED_STEPS = "DELETE FROM fanout_steps WHERE run_id = ? AND status <> 'COMPLETED'";

	static final String SELECT_REPLAY = "SELECT run_ids FROM fanout_replays WHERE id = ?";

	static final String INSERT_REPLAY = """
			INSERT INTO fanout_replays (id, function_id, mode, created_at, run_ids) VALUES (?, ?, ?, ?, '')
			""";

	static final String COMPLETE_REPLAY = "UPDATE fanout_replays SET run_ids = ? WHERE id = ?";

	static final String COUNT_RUNS_BY_FUNCTION = """
			SELECT function_id, status, COUNT(*) AS runs FROM fanout_runs WHERE app_id = ? GROUP BY function_id, status
			""";

	static final String FUNCTION_COLUMNS = "app_id, function_id, name, triggers, filter_expr, cancel_on, "
			+ "start_timeout_ms, registered_at, last_seen";

	static final String SELECT_FUNCTIONS = "SELECT " + FUNCTION_COLUMNS
			+ " FROM fanout_functions ORDER BY app_id, function_id";

	static final String FUNCTIONS_VERSION = "SELECT COUNT(*) AS functions, MAX(registered_at) AS latest FROM fanout_functions";

	static final String DELETE_FUNCTIONS_OF_APP = "DELETE FROM fanout_functions WHERE app_id = ?";

	static final String TOUCH_FUNCTIONS_OF_APP = "UPDATE fanout_functions SET last_seen = ? WHERE app_id = ?";

	static final String SELECT_RUNS_OF_EVENT = """
			SELECT id, function_id, event_id, status, attempts, output, error, created_at, started_at, ended_at
			FROM fanout_runs WHERE event_id = ? ORDER BY id
			""";

	static final String UPDATE_STEP = """
			UPDATE fanout_steps
			SET status = ?, output = ?, output_type = ?, error = COALESCE(?, error), error_stack = COALESCE(?, error_stack),
				attempts = ?, wake_at = ?, ended_at = ?
			WHERE run_id = ? AND step_key = ? AND status <> 'COMPLETED'
			""";

	static final String STEP_COLUMNS = "run_id, step_key, position, status, output, output_type, error, error_stack, "
			+ "attempts, wake_at, started_at, ended_at";

	static final String INSERT_STEP = "INSERT INTO fanout_steps (" + STEP_COLUMNS + ") VALUES (" + "?, ".repeat(11)
			+ "?)";

	static final String REFRESH_EVENT_ID = """
			UPDATE fanout_event_ids SET seen_at = ? WHERE id = ? AND seen_at < ?
			""";

	static final String INSERT_EVENT_ID = """
			INSERT INTO fanout_event_ids (id, seen_at) VALUES (?, ?)
			""";

	static final String LATEST_CRON_TICKS = """
			SELECT function_id, MAX(tick_at) AS tick_at FROM fanout_cron_ticks WHERE app_id = ? GROUP BY function_id
			""";

	static final String MARK_CRON_SEEN = """
			INSERT INTO fanout_cron_ticks (app_id, function_id, tick_at, created_at)
			SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM fanout_cron_ticks WHERE app_id = ? AND function_id = ?)
			""";

	/**
	 * Records a tick unless it or a later one is there: an instance whose clock lags
	 * cannot fire a tick the others have passed.
	 */
	static final String CLAIM_CRON_TICK = """
			INSERT INTO fanout_cron_ticks (app_id, function_id, tick_at, created_at)
			SELECT ?, ?, ?, ? WHERE NOT EXISTS (
				SELECT 1 FROM fanout_cron_ticks WHERE app_id = ? AND function_id = ? AND tick_at >= ?)
			""";

	static final String RECORD_CRON_RUN = """
			UPDATE fanout_cron_ticks SET run_id = ? WHERE app_id = ? AND function_id = ? AND tick_at = ?
			""";

	/*
	 * Retention: each select takes one batch and skips rows another transaction has
	 * locked, so cleaning instances never wait for each other; the rows it locked are
	 * then deleted by key (one statement with a subquery made H2 lock row by row).
	 */

	static final String ENDED_RUNS = """
			SELECT id FROM fanout_runs
			WHERE status = ANY (?) AND ended_at < ? AND app_id = ?
			LIMIT ?
			FOR UPDATE SKIP LOCKED
			""";

	static final String DELETE_STEPS_OF_RUNS = "DELETE FROM fanout_steps WHERE run_id = ANY (?)";

	static final String DELETE_WAITS_OF_RUNS = "DELETE FROM fanout_waits WHERE run_id = ANY (?)";

	static final String DELETE_RUNS = "DELETE FROM fanout_runs WHERE id = ANY (?)";

	static final String EARLIEST_UNFINISHED_START = """
			SELECT MIN(started_at) AS started_at FROM fanout_runs
			WHERE status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING')
			""";

	/**
	 * Runs refer to their event by seq; matching on the indexed event id instead keeps a
	 * few duplicates longer, never deletes an event a run needs.
	 */
	static final String UNREFERENCED_EVENTS = """
			SELECT e.seq FROM fanout_events e
			WHERE e.received_at < ? AND NOT EXISTS (SELECT 1 FROM fanout_runs r WHERE r.event_id = e.id)
			LIMIT ?
			FOR UPDATE SKIP LOCKED
			""";

	static final String DELETE_EVENTS = "DELETE FROM fanout_events WHERE seq = ANY (?)";

	static final String OLD_EVENT_IDS = """
			SELECT id FROM fanout_event_ids WHERE seen_at < ? LIMIT ? FOR UPDATE SKIP LOCKED
			""";

	static final String DELETE_EVENT_IDS = "DELETE FROM fanout_event_ids WHERE id = ANY (?)";

	static final String OLD_REPLAYS = """
			SELECT id FROM fanout_replays WHERE created_at < ? LIMIT ? FOR UPDATE SKIP LOCKED
			""";

	static final String DELETE_REPLAYS = "DELETE FROM fanout_replays WHERE id = ANY (?)";

	/**
	 * Old ticks, except each function's latest, which says where its schedule resumes.
	 */
	static final String OLD_CRON_TICKS = """
			SELECT t.function_id, t.tick_at FROM fanout_cron_ticks t
			WHERE t.app_id = ? AND t.tick_at < ? AND t.tick_at < (
				SELECT MAX(m.tick_at) FROM fanout_cron_ticks m WHERE m.app_id = t.app_id AND m.function_id = t.function_id)
			LIMIT ?
			FOR UPDATE SKIP LOCKED
			""";

	static final String DELETE_CRON_TICK = """
			DELETE FROM fanout_cron_ticks WHERE app_id = ? AND function_id = ? AND tick_at = ?
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
	 * The statements for the database behind a data source.
	 * @param dataSource the data source
	 * @param tablePrefix the table name prefix
	 * @return the statements
	 * @throws IllegalStateException if the database is neither H2 nor PostgreSQL
	 */
	static Statements of(DataSource dataSource, String tablePrefix) {
		String product = databaseProduct(dataSource);
		return switch (product) {
			case "H2" -> new H2Statements(tablePrefix);
			case "PostgreSQL" -> new PostgresStatements(tablePrefix);
			default ->
				throw new IllegalStateException("fanout supports H2 and PostgreSQL; this DataSource is " + product);
		};
	}

	private static String databaseProduct(DataSource dataSource) {
		try {
			return JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Cannot tell which database the fanout DataSource is", ex);
		}
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
	 * When the next run of these functions is due; see
	 * {@link dev.fanout.store.RunStore#nextDue}.
	 * @param jdbc the JDBC operations
	 * @param appId the application
	 * @param functionIds the function ids as a SQL array
	 * @return the earliest due time, if any run is pending
	 */
	Optional<OffsetDateTime> nextDue(JdbcOperations jdbc, String appId, SqlArray functionIds) {
		return jdbc.query(sql(NEXT_DUE), (rs, n) -> rs.getObject("next_due", OffsetDateTime.class), appId, functionIds)
			.stream()
			.filter(Objects::nonNull)
			.findFirst();
	}

	/**
	 * Tell other instances that runs of these applications are due, once the current
	 * transaction commits; see {@link dev.fanout.store.RunStore#announce}. Nothing by
	 * default: other instances find the runs by polling.
	 * @param jdbc the JDBC operations, in the transaction
	 * @param appIds the applications, {@code *} for all
	 */
	void announce(JdbcOperations jdbc, Collection<String> appIds) {
	}

	/**
	 * Start listening for other instances' announcements; see
	 * {@link dev.fanout.store.RunStore#listen}. Nothing by default.
	 * @param dataSource the data source
	 * @param appId this application
	 * @param onWake called when runs of this application may be due
	 * @return stops listening
	 */
	AutoCloseable listen(DataSource dataSource, String appId, Runnable onWake) {
		return () -> {
		};
	}

	/**
	 * Claim due runs; see {@link dev.fanout.store.RunStore#claim}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param appId the application whose runs to claim
	 * @param functionIds the function ids as a SQL array
	 * @param limit the most runs to claim
	 * @param owner the lease owner
	 * @param now the current time
	 * @param leaseUntil the lease expiry
	 * @return the claimed runs
	 */
	abstract List<ClaimedRun> claim(JdbcOperations jdbc, String appId, SqlArray functionIds, int limit, String owner,
			OffsetDateTime now, OffsetDateTime leaseUntil);

	/**
	 * Lock event names for the rest of the transaction; see
	 * {@link dev.fanout.store.RunStore#lockEventNames}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param eventNames the names
	 * @param exclusive whether to lock exclusively
	 */
	abstract void lockEventNames(JdbcOperations jdbc, Collection<String> eventNames, boolean exclusive);

	/**
	 * Lock the runs of some steps, and save the steps of the runs the owner holds; see
	 * {@link dev.fanout.store.RunStore#saveSteps}. Here the lock is one statement and
	 * each step one or two more.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param owner the lease owner
	 * @param steps the steps, at most one per run
	 * @return the ids of the runs the owner holds, whose steps were saved
	 */
	Set<String> saveHeldSteps(JdbcOperations jdbc, String owner, List<RunStep> steps) {
		Set<String> held = new HashSet<>();
		jdbc.query(sql(LOCK_RUNS), (RowCallbackHandler) (rs) -> {
			if (owner.equals(rs.getString("lease_owner")) && RunStatus.RUNNING.name().equals(rs.getString("status"))
					&& !rs.getBoolean("cancel_requested")) {
				held.add(rs.getString("id"));
			}
		}, new SqlArray(steps.stream().map(RunStep::runId).toList()));
		saveSteps(jdbc, steps.stream().filter((step) -> held.contains(step.runId())).toList());
		return held;
	}

	/**
	 * Save steps, leaving completed ones as they are. Here with an update, then an insert
	 * where there was nothing to update.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param steps the steps, at most one per run
	 */
	void saveSteps(JdbcOperations jdbc, List<RunStep> steps) {
		for (RunStep s : steps) {
			StoredStep step = s.step();
			int updated = jdbc.update(sql(UPDATE_STEP), step.status().name(), step.output(), step.outputType(),
					step.error(), step.errorStack(), step.attempts(), nullableTime(step.wakeAt()),
					nullableTime(step.endedAt()), s.runId(), step.key());
			if (updated == 0) {
				try {
					jdbc.update(sql(INSERT_STEP), stepValues(s));
				}
				catch (DuplicateKeyException ex) {
					// The step is already completed: recording stays exactly-once.
				}
			}
		}
	}

	/**
	 * The columns of {@link #INSERT_STEP} for a step.
	 * @param s the step and its run
	 * @return the values, in order
	 */
	static Object[] stepValues(RunStep s) {
		StoredStep step = s.step();
		return new Object[] { s.runId(), step.key(), step.position(), step.status().name(), step.output(),
				step.outputType(), step.error(), step.errorStack(), step.attempts(), nullableTime(step.wakeAt()),
				time(step.startedAt()), nullableTime(step.endedAt()) };
	}

	/**
	 * End the runs the owner holds, and delete their pending matchers; see
	 * {@link dev.fanout.store.RunStore#finish}. Here as a batch of updates, then a
	 * delete.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param owner the lease owner
	 * @param ends the ends, at most one per run
	 * @return the ids of the runs ended
	 */
	Set<String> finish(JdbcOperations jdbc, String owner, List<RunEnd> ends) {
		int[] counts = jdbc.batchUpdate(sql(FINISH), ends.stream().map((end) -> {
			Object[] values = Arrays.copyOf(endValues(end), 7);
			values[6] = owner;
			return values;
		}).toList());
		Set<String> ended = new HashSet<>();
		for (int i = 0; i < counts.length; i++) {
			// A driver that cannot tell (SUCCESS_NO_INFO) would make every end look
			// refused.
			if (counts[i] < 0) {
				throw new IllegalStateException("The JDBC driver did not report the rows a batched update changed");
			}
			if (counts[i] > 0) {
				ended.add(ends.get(i).runId());
			}
		}
		if (!ended.isEmpty()) {
			jdbc.update(sql(DELETE_WAITS_OF_RUNS), new SqlArray(ended));
		}
		return ended;
	}

	/**
	 * The parameters of {@link #FINISH} for an end, all but the owner.
	 * @param end the end
	 * @return the values, in order
	 */
	static Object[] endValues(RunEnd end) {
		return new Object[] { end.status().name(), end.output(), end.error(), end.errorStack(), time(end.endedAt()),
				end.runId() };
	}

	/**
	 * The statement that wakes a sleeping or waiting run; see {@link #WAKE}.
	 * @return the statement, with the parameters of {@link #WAKE}
	 */
	String wake() {
		return sql(WAKE);
	}

	/**
	 * The statement that cancels a run that is not running; see {@link #CANCEL_PARKED}.
	 * @return the statement, with the parameters of {@link #CANCEL_PARKED}
	 */
	String cancelParked() {
		return sql(CANCEL_PARKED);
	}

	/**
	 * The statement that records when a cron function was first seen; see
	 * {@link #MARK_CRON_SEEN}.
	 * @return the statement; where it does not skip duplicates, they raise a
	 * {@link org.springframework.dao.DuplicateKeyException}
	 */
	String markCronSeen() {
		return sql(MARK_CRON_SEEN);
	}

	/**
	 * The statement that claims a cron tick; see {@link #CLAIM_CRON_TICK}.
	 * @return the statement; where it does not skip duplicates, they raise a
	 * {@link org.springframework.dao.DuplicateKeyException}
	 */
	String claimCronTick() {
		return sql(CLAIM_CRON_TICK);
	}

	/**
	 * Lock event names shared and insert or refresh many event ids in one statement; see
	 * {@link dev.fanout.store.RunStore#acceptNewEvents}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param eventNames the event names
	 * @param ids the event ids
	 * @param now the time to record
	 * @param windowStart the start of the dedup window
	 * @return the ids that were new, with the function table's version, or {@code null}
	 * when the database locks and accepts one step, and one id, at a time
	 */
	@Nullable AcceptedEvents lockAndAcceptEventIds(JdbcOperations jdbc, Collection<String> eventNames, SqlArray ids,
			OffsetDateTime now, OffsetDateTime windowStart) {
		return null;
	}

	/**
	 * Make inserts, then find the pending matchers for events of some names; see
	 * {@link dev.fanout.store.RunStore#insertAndFindWaits}. One statement each here.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param inserts the inserts, none of matchers, possibly none at all
	 * @param eventNames the event names
	 * @param now the current time
	 * @return the matchers
	 */
	List<PendingWait> insertAndFindWaits(JdbcOperations jdbc, List<RowsInsert> inserts, SqlArray eventNames,
			OffsetDateTime now) {
		for (RowsInsert insert : inserts) {
			jdbc.update(sql(insert.sql()), insert.args().toArray());
		}
		return jdbc.query(sql(PENDING_WAITS), Rows.PENDING_WAIT, eventNames, now);
	}

	/**
	 * The function table's version; see
	 * {@link dev.fanout.store.RunStore#functionsVersion}.
	 * @param jdbc the JDBC operations
	 * @return the version
	 */
	String functionsVersion(JdbcOperations jdbc) {
		return jdbc.queryForObject(sql(FUNCTIONS_VERSION),
				(rs, n) -> rs.getLong("functions") + "@" + rs.getString("latest"));
	}

	/**
	 * Rows of a multi-row {@code VALUES} list.
	 * @param row one row's placeholders, in parentheses
	 * @param count how many rows
	 * @return the rows, comma separated
	 */
	static String rows(String row, int count) {
		return String.join(", ", Collections.nCopies(count, row));
	}

	/**
	 * The parameters of a multi-row {@code VALUES} list, row after row.
	 * @param <T> what a row is made of
	 * @param items the rows' items
	 * @param row the values of an item's row, in order
	 * @return the parameters, in a list that may be added to
	 */
	static <T> List<Object> rowValues(List<T> items, Function<T, Object[]> row) {
		List<Object> values = new ArrayList<>();
		for (T item : items) {
			values.addAll(Arrays.asList(row.apply(item)));
		}
		return values;
	}

	/**
	 * A multi-row insert and its arguments.
	 *
	 * @param sql the statement
	 * @param args its arguments, in order
	 */
	record RowsInsert(String sql, List<Object> args) {
	}

}
