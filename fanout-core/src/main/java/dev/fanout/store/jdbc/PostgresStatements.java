package dev.fanout.store.jdbc;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;

import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.PendingWait;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStep;

/**
 * PostgreSQL statements: claims with {@code FOR UPDATE SKIP LOCKED} in a materialized
 * CTE, and upserts and cron ticks with {@code ON CONFLICT}.
 */
final class PostgresStatements extends Statements {

	static final String CLAIM = """
			WITH next AS MATERIALIZED (
				SELECT id FROM fanout_runs
				WHERE status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING') AND due_at <= ? AND app_id = ?
					AND function_id = ANY (?)
				ORDER BY due_at
				LIMIT ?
				FOR UPDATE SKIP LOCKED
			)
			UPDATE fanout_runs r
			SET status = 'RUNNING', lease_owner = ?, due_at = ?, attempts = r.attempts + 1,
				started_at = COALESCE(r.started_at, ?)
			FROM next, fanout_events e
			WHERE r.id = next.id AND e.seq = r.event_seq
			RETURNING
			""" + RUN_WITH_EVENT;

	/**
	 * {@link Statements#WAKE} with the run found by its key alone, and its status checked
	 * after (see {@link Statements}): a materialized CTE is never merged with the outer
	 * query, so nothing can combine the status condition with the run's key. The CTE also
	 * carries the parameters, which keeps their order.
	 */
	static final String WAKE_BY_KEY = """
			WITH current AS MATERIALIZED (
				SELECT id, status, CAST(? AS timestamp with time zone) AS due_at
				FROM fanout_runs WHERE id = ? FOR UPDATE
			)
			UPDATE fanout_runs r SET status = 'QUEUED', due_at = c.due_at
			FROM current c
			WHERE r.id = c.id AND c.status IN ('SLEEPING', 'WAITING')
			""";

	/** {@link Statements#CANCEL_PARKED} in the form of {@link #WAKE_BY_KEY}. */
	static final String CANCEL_PARKED_BY_KEY = """
			WITH current AS MATERIALIZED (
				SELECT id, status, CAST(? AS text) AS error, CAST(? AS timestamp with time zone) AS ended_at
				FROM fanout_runs WHERE id = ? FOR UPDATE
			)
			UPDATE fanout_runs r SET status = 'CANCELLED', lease_owner = NULL, error = c.error, ended_at = c.ended_at
			FROM current c
			WHERE r.id = c.id AND c.status IN ('QUEUED', 'SLEEPING', 'WAITING')
			""";

	/**
	 * A step's values, as {@link Statements#stepValues} lists them, each cast: a
	 * {@code VALUES} list that is not an insert's own takes no types from the table.
	 */
	static final String STEP_ROW = "(?::varchar, ?::varchar, ?::integer, ?::varchar, ?::text, ?::varchar, "
			+ "?::text, ?::text, ?::integer, ?::timestamptz, ?::timestamptz, ?::timestamptz)";

	private static final String INSERT_STEPS = "INSERT INTO fanout_steps AS s (" + STEP_COLUMNS + ") ";

	/** A completed step stays as it is: recording is exactly-once. */
	private static final String ON_STEP_CONFLICT = """
			ON CONFLICT (run_id, step_key) DO UPDATE
			SET status = EXCLUDED.status, output = EXCLUDED.output, output_type = EXCLUDED.output_type,
				error = COALESCE(EXCLUDED.error, s.error), error_stack = COALESCE(EXCLUDED.error_stack, s.error_stack),
				attempts = EXCLUDED.attempts, wake_at = EXCLUDED.wake_at, ended_at = EXCLUDED.ended_at
			WHERE s.status <> 'COMPLETED'
			""";

	/**
	 * The runs locked as {@link Statements#LOCK_RUNS} locks them, and the steps of those
	 * the owner holds saved, in one statement: the materialized CTE takes the locks
	 * before the insert reads which runs are held. The runs are found from the steps'
	 * rows rather than from an array parameter, so that the statement's plan, for a given
	 * number of rows, is made once and not for each batch. The held runs are filtered
	 * from the locked rows, not in the lock's {@code WHERE}, which keeps status out of
	 * the conditions on the table (see {@link Statements}).
	 */
	static final String SAVE_HELD_STEPS = "WITH v (" + STEP_COLUMNS + """
			) AS (
				VALUES %s
			), locked AS MATERIALIZED (
				SELECT id, lease_owner, status, cancel_requested FROM fanout_runs
				WHERE id IN (SELECT run_id FROM v) ORDER BY id FOR UPDATE
			), held AS (
				SELECT id FROM locked WHERE lease_owner = ? AND status = 'RUNNING' AND NOT cancel_requested
			), saved AS (
			""" + INSERT_STEPS + """
				SELECT * FROM v WHERE run_id IN (SELECT id FROM held)
			""" + ON_STEP_CONFLICT + """
			)
			SELECT id FROM held
			""";

	/** An end's values, as {@link Statements#endValues} lists them, each cast. */
	static final String END_ROW = "(?::varchar, ?::text, ?::text, ?::text, ?::timestamptz, ?::varchar)";

	/**
	 * {@link Statements#FINISH} for many runs, and the delete of their pending matchers,
	 * in one statement.
	 */
	static final String FINISH_ALL = """
			WITH ended AS (
				UPDATE fanout_runs r
				SET status = v.status, lease_owner = NULL, output = v.output, error = v.error, error_stack = v.error_stack,
					ended_at = v.ended_at
				FROM (VALUES %s) AS v (status, output, error, error_stack, ended_at, id)
				WHERE r.id = v.id AND r.lease_owner = ?
				RETURNING r.id
			), unwaited AS (
				DELETE FROM fanout_waits WHERE run_id IN (SELECT id FROM ended)
			)
			SELECT id FROM ended
			""";

	/**
	 * The shared locks of {@link #LOCK_SHARED}, then the dedup upsert, in one round trip:
	 * every row inserted joins the materialized CTE, so the locks are taken before the
	 * first one.
	 */
	static final String LOCK_AND_ACCEPT_EVENT_IDS = """
			WITH locked AS MATERIALIZED (
				SELECT COUNT(*) AS names FROM (
					SELECT pg_advisory_xact_lock_shared(?, h) FROM unnest(?::int[]) AS h) AS l
			)
			INSERT INTO fanout_event_ids AS k (id, seen_at)
			SELECT i.id, ? FROM locked, unnest(?::varchar[]) AS i (id)
			ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE k.seen_at < ?
			RETURNING id, (%s) AS functions_version
			""".formatted(PostgresStatements.FUNCTIONS_VERSION_TEXT);

	/**
	 * {@link Statements#FUNCTIONS_VERSION} as one text, so that a send can read it within
	 * its first statement.
	 */
	static final String FUNCTIONS_VERSION_TEXT = "SELECT COUNT(*) || '@' || COALESCE(MAX(registered_at)::text, '') "
			+ "FROM fanout_functions";

	/** Concurrent instances claiming one tick: the loser inserts nothing, quietly. */
	static final String CLAIM_CRON_TICK_OR_NOTHING = CLAIM_CRON_TICK + "ON CONFLICT DO NOTHING";

	static final String MARK_CRON_SEEN_OR_NOTHING = MARK_CRON_SEEN + "ON CONFLICT DO NOTHING";

	/**
	 * A namespace for fanout's advisory locks, so they never collide with the
	 * application's.
	 */
	private static final int LOCK_NAMESPACE = 0x46414E4F;

	static final String LOCK_SHARED = "SELECT pg_advisory_xact_lock_shared(?, h) FROM unnest(?::int[]) AS h";

	static final String LOCK_EXCLUSIVE = "SELECT pg_advisory_xact_lock(?, h) FROM unnest(?::int[]) AS h";

	/**
	 * At most one NOTIFY per this many milliseconds from one instance: each one
	 * serialises the commits of all transactions that send one.
	 */
	private static final long NOTIFY_INTERVAL_MILLIS = 10;

	private final String channel;

	private volatile @Nullable PostgresAnnouncer announcer;

	PostgresStatements(String prefix) {
		super(prefix);
		// LISTEN takes an unquoted identifier, which PostgreSQL folds to lower case.
		this.channel = sql("fanout_wakeup").toLowerCase(Locale.ROOT);
	}

	@Override
	void announce(JdbcOperations jdbc, Collection<String> appIds) {
		PostgresAnnouncer current = this.announcer;
		if (current == null) {
			synchronized (this) {
				if (this.announcer == null) {
					this.announcer = new PostgresAnnouncer(this.channel, NOTIFY_INTERVAL_MILLIS, jdbc);
				}
				current = this.announcer;
			}
		}
		current.announce(jdbc, appIds);
	}

	@Override
	AutoCloseable listen(DataSource dataSource, String appId, Runnable onWake) {
		return new PostgresListener(dataSource, this.channel, appId, onWake);
	}

	@Override
	List<ClaimedRun> claim(JdbcOperations jdbc, String appId, SqlArray functionIds, int limit, String owner,
			OffsetDateTime now, OffsetDateTime leaseUntil) {
		return jdbc.query(sql(CLAIM), Rows.CLAIMED_RUN, now, appId, functionIds, limit, owner, leaseUntil, now);
	}

	@Override
	void lockEventNames(JdbcOperations jdbc, Collection<String> eventNames, boolean exclusive) {
		jdbc.query(exclusive ? LOCK_EXCLUSIVE : LOCK_SHARED, (rs) -> {
		}, LOCK_NAMESPACE, lockKeys(eventNames));
	}

	/**
	 * The keys of event names' locks, sorted, so that two transactions locking several
	 * names take them in the same order.
	 */
	private static IntArray lockKeys(Collection<String> eventNames) {
		return new IntArray(eventNames.stream().map(String::hashCode).distinct().sorted().toArray(Integer[]::new));
	}

	@Override
	Set<String> saveHeldSteps(JdbcOperations jdbc, String owner, List<RunStep> steps) {
		if (steps.isEmpty()) {
			return Set.of();
		}
		List<Object> args = rowValues(steps, Statements::stepValues);
		args.add(owner);
		return new HashSet<>(jdbc.queryForList(sql(SAVE_HELD_STEPS.formatted(rows(STEP_ROW, steps.size()))),
				String.class, args.toArray()));
	}

	@Override
	void saveSteps(JdbcOperations jdbc, List<RunStep> steps) {
		if (!steps.isEmpty()) {
			jdbc.update(sql(INSERT_STEPS + "VALUES " + rows(STEP_ROW, steps.size()) + " " + ON_STEP_CONFLICT),
					rowValues(steps, Statements::stepValues).toArray());
		}
	}

	@Override
	Set<String> finish(JdbcOperations jdbc, String owner, List<RunEnd> ends) {
		if (ends.isEmpty()) {
			return Set.of();
		}
		List<Object> args = rowValues(ends, Statements::endValues);
		args.add(owner);
		return new HashSet<>(
				jdbc.queryForList(sql(FINISH_ALL.formatted(rows(END_ROW, ends.size()))), String.class, args.toArray()));
	}

	@Override
	String wake() {
		return sql(WAKE_BY_KEY);
	}

	@Override
	String cancelParked() {
		return sql(CANCEL_PARKED_BY_KEY);
	}

	@Override
	String claimCronTick() {
		return sql(CLAIM_CRON_TICK_OR_NOTHING);
	}

	@Override
	String markCronSeen() {
		return sql(MARK_CRON_SEEN_OR_NOTHING);
	}

	@Override
	AcceptedEvents lockAndAcceptEventIds(JdbcOperations jdbc, Collection<String> eventNames, SqlArray ids,
			OffsetDateTime now, OffsetDateTime windowStart) {
		Set<String> accepted = new HashSet<>();
		String[] version = new String[1];
		jdbc.query(sql(LOCK_AND_ACCEPT_EVENT_IDS), (RowCallbackHandler) (rs) -> {
			accepted.add(rs.getString("id"));
			version[0] = rs.getString("functions_version");
		}, LOCK_NAMESPACE, lockKeys(eventNames), now, ids, windowStart);
		return new AcceptedEvents(accepted, version[0]);
	}

	/**
	 * The inserts as data-modifying CTEs of the look-up: one round trip. The look-up runs
	 * after the send's locks were taken by an earlier statement, as it must, and sees
	 * none of the rows its CTEs insert, which is why no matcher may be among them.
	 */
	@Override
	List<PendingWait> insertAndFindWaits(JdbcOperations jdbc, List<RowsInsert> inserts, SqlArray eventNames,
			OffsetDateTime now) {
		if (inserts.isEmpty()) {
			return super.insertAndFindWaits(jdbc, inserts, eventNames, now);
		}
		StringBuilder sql = new StringBuilder("WITH ");
		List<Object> args = new ArrayList<>();
		for (int i = 0; i < inserts.size(); i++) {
			sql.append((i > 0) ? ", " : "")
				.append("i")
				.append(i)
				.append(" AS (")
				.append(inserts.get(i).sql())
				.append(')');
			args.addAll(inserts.get(i).args());
		}
		args.add(eventNames);
		args.add(now);
		return jdbc.query(sql(sql.append(' ').append(PENDING_WAITS).toString()), Rows.PENDING_WAIT, args.toArray());
	}

	@Override
	String functionsVersion(JdbcOperations jdbc) {
		return jdbc.queryForObject(sql(FUNCTIONS_VERSION_TEXT), String.class);
	}

}
