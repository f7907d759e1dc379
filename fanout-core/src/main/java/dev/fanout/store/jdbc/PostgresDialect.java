package dev.fanout.store.jdbc;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;

import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.FlowState;
import dev.fanout.store.GateOpening;
import dev.fanout.store.Listening;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStep;
import dev.fanout.store.WaitLookup;

/**
 * PostgreSQL: claims with {@code FOR UPDATE SKIP LOCKED} in a materialized CTE, event
 * names locked with advisory locks, upserts and cron ticks with {@code ON CONFLICT}, the
 * writes of many runs in one statement each, and other instances told of new runs with
 * {@code NOTIFY}.
 */
final class PostgresDialect extends Dialect {

	/**
	 * How a claim takes runs: leased, their first gate now their first slot (a throttle
	 * is passed once), returned with their events. Its parameters are the owner, the
	 * lease's end twice, the time twice. The claim's CTE {@code next} gives each run's id
	 * and when it was due ({@code was_due}).
	 */
	private static final String TAKE = """
			UPDATE fanout_runs r
			SET status = 'RUNNING', lease_owner = ?, due_at = ?, rank_at = ?, attempts = r.attempts + 1,
				started_at = COALESCE(r.started_at, ?), gate = r.slot1, """ + Sql.Columns.claimCounts("r") + """

			FROM next, fanout_events e
			WHERE r.id = next.id AND e.seq = r.event_seq
			RETURNING
			""" + Sql.Columns.runWithEvent("next.was_due");

	/**
	 * The runs due in rank order, but those behind a gate (unless their lease expired),
	 * which {@link GateClaim} starts, and those of paused functions (unless their lease
	 * expired: a run that was running when its function was paused goes on). Its
	 * parameters are the reach of priorities, the time, the application, the functions
	 * and the most runs, then those of {@link #TAKE}. The runs are read back in rank
	 * order: those claimed ahead start in it.
	 */
	static final String CLAIM = """
			WITH next AS MATERIALIZED (
				SELECT id, due_at AS was_due, rank_at AS was_rank FROM fanout_runs
				WHERE status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING') AND (gate IS NULL OR status = 'RUNNING')
					AND rank_at <= ? AND due_at <= ? AND app_id = ? AND function_id = ANY (?)
					AND (status = 'RUNNING' OR %s)
				ORDER BY rank_at
				LIMIT ?
				FOR UPDATE SKIP LOCKED
			), taken AS (
			""".formatted(Sql.Columns.notPaused("fanout_runs")) + TAKE + """
				, next.was_rank AS claim_rank
			)
			SELECT * FROM taken ORDER BY claim_rank
			""";

	/** {@link #TAKE} of runs locked by a gated claim, named by its first parameter. */
	static final String TAKE_LOCKED = "WITH next AS (SELECT id, due_at AS was_due FROM fanout_runs "
			+ "WHERE id = ANY (?::varchar[])) " + TAKE;

	/**
	 * The runs due behind each of some gates, up to a number per gate, oldest rank first,
	 * but those of paused functions. Its parameters are the gates and the numbers, as
	 * arrays, then the reach of priorities, the time, the application and the functions.
	 */
	static final String GATE_CANDIDATES = """
			SELECT c.* FROM unnest(?::varchar[], ?::integer[]) AS g (gate_key, wanted)
			CROSS JOIN LATERAL (
				SELECT r.id, r.function_id, r.gate, r.slot1, r.slot2, r.throttle_key, r.started_at, r.rank_at
				FROM fanout_runs r
				WHERE r.gate = g.gate_key AND r.status IN ('QUEUED', 'SLEEPING', 'WAITING') AND r.rank_at <= ?
					AND r.due_at <= ? AND r.app_id = ? AND r.function_id = ANY (?) AND %s
				ORDER BY r.rank_at
				LIMIT g.wanted
				FOR UPDATE SKIP LOCKED
			) AS c
			""".formatted(Sql.Columns.notPaused("r"));

	/**
	 * The full gates of the slots that the runs a statement changed held made due, in key
	 * order, after the statement's own CTE {@code changed} that returns the runs' slots.
	 * A gate that is not full is due already, or has no run behind it. Every gate is
	 * locked, whatever its state: a claim that holds one may be marking it full, and the
	 * lock returns the row as that claim left it.
	 */
	private static final String WAKE_GATES = """
			, woken_gates AS MATERIALIZED (
				SELECT gate_key, next_due FROM fanout_gates
				WHERE gate_key IN (SELECT slot1 FROM changed UNION SELECT slot2 FROM changed)
				ORDER BY gate_key
				FOR UPDATE
			), woken AS (
				UPDATE fanout_gates g SET next_due = %2$s
				FROM woken_gates w WHERE g.gate_key = w.gate_key AND w.next_due = %1$s
			)
			""".formatted(Sql.Columns.FULL, Sql.Columns.EPOCH);

	/**
	 * Gates made due by new runs: their rows inserted where missing, else due no later
	 * than the runs; a full gate stays so, as a freed slot makes it due, and a gate due
	 * already is not written again. {@code %s} takes the rows, of {@link #GATE_ROW}, in
	 * key order.
	 */
	static final String OPEN_GATES = """
			INSERT INTO fanout_gates AS g (gate_key, app_id, function_id, next_due)
			SELECT * FROM (VALUES %%s) AS v (gate_key, app_id, function_id, next_due) ORDER BY gate_key
			ON CONFLICT (gate_key) DO UPDATE SET next_due = EXCLUDED.next_due
			WHERE g.next_due IS NULL OR (g.next_due > EXCLUDED.next_due AND g.next_due <> %s)
			""".formatted(Sql.Columns.FULL);

	static final String GATE_ROW = "(?::varchar, ?::varchar, ?::varchar, ?::timestamptz)";

	/**
	 * {@link Sql#WAKE} with the run found by its key alone, and its status checked after
	 * (see {@link Sql}): a materialized CTE is never merged with the outer query, so
	 * nothing can combine the status condition with the run's key. The CTE also carries
	 * the parameters, which keeps their order: the due time twice, as {@link Sql#WAKE}
	 * takes it.
	 */
	static final String WAKE_BY_KEY = """
			WITH current AS MATERIALIZED (
				SELECT id, status, CAST(? AS timestamp with time zone) AS due_at,
					CAST(? AS timestamp with time zone) AS rank_from
				FROM fanout_runs WHERE id = ? FOR UPDATE
			)
			UPDATE fanout_runs r SET status = 'QUEUED', due_at = c.due_at,
				rank_at = c.rank_from - r.priority * INTERVAL '1' SECOND
			FROM current c
			WHERE r.id = c.id AND c.status IN ('SLEEPING', 'WAITING')
			""";

	/** {@link Sql#CANCEL_PARKED} in the form of {@link #WAKE_BY_KEY}. */
	static final String CANCEL_PARKED_BY_KEY = """
			WITH current AS MATERIALIZED (
				SELECT id, status, CAST(? AS text) AS error, CAST(? AS timestamp with time zone) AS ended_at
				FROM fanout_runs WHERE id = ? FOR UPDATE
			)
			UPDATE fanout_runs r SET status = 'CANCELLED', lease_owner = NULL, error = c.error, ended_at = c.ended_at
			FROM current c
			WHERE r.id = c.id AND c.status IN ('QUEUED', 'SLEEPING', 'WAITING')
			""";

	private static final String INSERT_STEPS = "INSERT INTO fanout_steps AS s (" + Sql.Columns.STEPS + ") ";

	/**
	 * A batch's steps, or its ends, as one array per column: a statement has one text and
	 * one plan whatever the number of rows, made once rather than once per batch size
	 * (see BENCHMARKS.md).
	 */
	private static final String STEP_ARRAYS = SqlArray.unnest(Rows.STEP_TYPES);

	private static final String END_ARRAYS = SqlArray.unnest(Rows.END_TYPES);

	/** A completed step stays as it is: recording is exactly-once. */
	private static final String ON_STEP_CONFLICT = """
			ON CONFLICT (run_id, step_key) DO UPDATE
			SET status = EXCLUDED.status, output = EXCLUDED.output, output_type = EXCLUDED.output_type,
				error = COALESCE(EXCLUDED.error, s.error), error_stack = COALESCE(EXCLUDED.error_stack, s.error_stack),
				attempts = EXCLUDED.attempts, wake_at = EXCLUDED.wake_at, ended_at = EXCLUDED.ended_at
			WHERE s.status <> 'COMPLETED'
			""";

	/** Steps saved in one statement, given as arrays. */
	static final String UPSERT_STEPS = INSERT_STEPS + "SELECT * FROM " + STEP_ARRAYS + " " + ON_STEP_CONFLICT;

	/**
	 * The runs locked as {@link Sql#LOCK_RUNS} locks them, and the steps of those the
	 * owner holds saved: the materialized CTE takes the locks before the insert reads
	 * which runs are held. The held runs are filtered from the locked rows, not in the
	 * lock's {@code WHERE}, which keeps status out of the conditions on the table (see
	 * {@link Sql}).
	 */
	private static final String HELD_STEPS = "v (" + Sql.Columns.STEPS + ") AS (SELECT * FROM " + STEP_ARRAYS + "), "
			+ """
					locked AS MATERIALIZED (
						SELECT id, lease_owner, status, cancel_requested FROM fanout_runs
						WHERE id IN (SELECT run_id FROM v) ORDER BY id FOR UPDATE
					), held AS (
						SELECT id FROM locked WHERE lease_owner = ? AND status = 'RUNNING' AND NOT cancel_requested
					), saved AS (
					""" + INSERT_STEPS + """
						SELECT * FROM v WHERE run_id IN (SELECT id FROM held)
					""" + ON_STEP_CONFLICT + """
					)
					""";

	/** {@link #HELD_STEPS} alone, with the ids of the held runs as its result. */
	static final String SAVE_HELD_STEPS = "WITH " + HELD_STEPS + "SELECT id FROM held";

	/** {@link #endedRuns} alone, with the ids of the ended runs as its result. */
	static final String FINISH_ALL = "WITH " + endedRuns("") + "SELECT id FROM changed";

	/**
	 * {@link #HELD_STEPS} then {@link #endedRuns} in one statement, so that a batch's
	 * writes take one round trip: a run with a step here is ended only if its step was
	 * saved. The result names the held runs, then the ended ones.
	 */
	static final String SAVE_HELD_STEPS_AND_FINISH = "WITH " + HELD_STEPS + ", "
			+ endedRuns("AND (e.id IN (SELECT id FROM held) OR e.id NOT IN (SELECT run_id FROM v))")
			+ "SELECT 'held' AS kind, id FROM held UNION ALL SELECT 'ended', id FROM changed";

	/**
	 * {@link Sql#FINISH} for many runs, and the delete of their pending matchers.
	 * @param condition a condition on the runs besides the owner's lease
	 */
	private static String endedRuns(String condition) {
		return """
				changed AS (
					UPDATE fanout_runs r
					SET status = e.status, lease_owner = NULL, output = e.output, error = e.error,
						error_stack = e.error_stack, ended_at = e.ended_at
					FROM %s AS e (status, output, error, error_stack, ended_at, id)
					WHERE r.id = e.id AND r.lease_owner = ? %s
					RETURNING r.id, r.slot1, r.slot2
				), unwaited AS (
					DELETE FROM fanout_waits WHERE run_id IN (SELECT id FROM changed)
				)""".formatted(END_ARRAYS, condition) + WAKE_GATES;
	}

	/**
	 * A statement that takes runs out of {@code RUNNING}, with their slots' gates made
	 * due, and the count of runs it changed as its result.
	 */
	static String freeingSlots(Sql statement) {
		return "WITH changed AS (" + statement.text() + " RETURNING slot1, slot2)" + WAKE_GATES
				+ "SELECT COUNT(*) FROM changed";
	}

	/**
	 * {@link Sql#FUNCTIONS_VERSION} as one text, so that a send can read it within its
	 * first statement.
	 */
	static final String FUNCTIONS_VERSION_TEXT = "SELECT COUNT(*) || '@' || COALESCE(MAX(registered_at)::text, '') "
			+ "FROM fanout_functions";

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
			""".formatted(FUNCTIONS_VERSION_TEXT);

	/**
	 * {@link Sql#INSERT_FLOW_STATE} and {@link Sql#LOCK_FLOW_STATES} in one statement:
	 * rows are inserted in key order, and each existing one is locked by the update of
	 * its conflict as its turn comes, so keys are locked in that order.
	 */
	static final String UPSERT_FLOW_STATES = """
			INSERT INTO fanout_flow_state AS s (state_key, size)
			SELECT k, 0 FROM unnest(?::varchar[]) AS k ORDER BY k
			ON CONFLICT (state_key) DO UPDATE SET size = s.size
			RETURNING state_key, at, run_id, size
			""";

	/** Concurrent instances claiming one tick: the loser inserts nothing, quietly. */
	static final String CLAIM_CRON_TICK_OR_NOTHING = Sql.CLAIM_CRON_TICK.text() + "ON CONFLICT DO NOTHING";

	static final String MARK_CRON_SEEN_OR_NOTHING = Sql.MARK_CRON_SEEN.text() + "ON CONFLICT DO NOTHING";

	static final String INSERT_GATE_OR_NOTHING = Sql.INSERT_GATE.text() + "ON CONFLICT DO NOTHING";

	/** Concurrent pauses of one function: the later inserts nothing, quietly. */
	static final String PAUSE_FUNCTION_OR_NOTHING = Sql.PAUSE_FUNCTION.text() + "ON CONFLICT DO NOTHING";

	/** The statements of the catalogue that PostgreSQL runs in its own form. */
	private static final Map<Sql, String> VARIANTS = Map.ofEntries(Map.entry(Sql.WAKE, WAKE_BY_KEY),
			Map.entry(Sql.CANCEL_PARKED, CANCEL_PARKED_BY_KEY),
			Map.entry(Sql.CLAIM_CRON_TICK, CLAIM_CRON_TICK_OR_NOTHING),
			Map.entry(Sql.MARK_CRON_SEEN, MARK_CRON_SEEN_OR_NOTHING),
			Map.entry(Sql.INSERT_GATE, INSERT_GATE_OR_NOTHING),
			Map.entry(Sql.PAUSE_FUNCTION, PAUSE_FUNCTION_OR_NOTHING));

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

	private final String claim;

	private final String takeLocked;

	private final String gateCandidates;

	private final String openGates;

	private final Map<Sql, String> freeingSlots = new EnumMap<>(Sql.class);

	private final String upsertSteps;

	private final String saveHeldSteps;

	private final String finishAll;

	private final String saveHeldStepsAndFinish;

	private final String lockAndAcceptEventIds;

	private final String functionsVersion;

	private final String upsertFlowStates;

	private final String channel;

	private volatile @Nullable PostgresAnnouncer announcer;

	/**
	 * The dialect, with the catalogue rendered for a table prefix.
	 * @param prefix the table name prefix
	 */
	PostgresDialect(String prefix) {
		super(Statements.forPrefix(prefix, VARIANTS));
		this.claim = statements().render(CLAIM);
		this.takeLocked = statements().render(TAKE_LOCKED);
		this.gateCandidates = statements().render(GATE_CANDIDATES);
		this.openGates = statements().render(OPEN_GATES);
		for (Sql statement : List.of(Sql.PARK, Sql.REQUEUE, Sql.RELEASE, Sql.UNCLAIM)) {
			this.freeingSlots.put(statement, statements().render(freeingSlots(statement)));
		}
		this.upsertSteps = statements().render(UPSERT_STEPS);
		this.saveHeldSteps = statements().render(SAVE_HELD_STEPS);
		this.finishAll = statements().render(FINISH_ALL);
		this.saveHeldStepsAndFinish = statements().render(SAVE_HELD_STEPS_AND_FINISH);
		this.lockAndAcceptEventIds = statements().render(LOCK_AND_ACCEPT_EVENT_IDS);
		this.functionsVersion = statements().render(FUNCTIONS_VERSION_TEXT);
		this.upsertFlowStates = statements().render(UPSERT_FLOW_STATES);
		// LISTEN takes an unquoted identifier, which PostgreSQL folds to lower case.
		this.channel = statements().render("fanout_wakeup").toLowerCase(Locale.ROOT);
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
	Listening listen(DataSource dataSource, String appId, Runnable onWake) {
		return new PostgresListener(dataSource, this.channel, appId, onWake);
	}

	@Override
	List<ClaimedRun> claim(JdbcOperations jdbc, String appId, SqlArray functionIds, int limit, String owner,
			OffsetDateTime now, OffsetDateTime leaseUntil) {
		return jdbc.query(this.claim, Rows.CLAIMED_RUN, reach(now), now, appId, functionIds, limit, owner, leaseUntil,
				leaseUntil, now, now);
	}

	@Override
	List<GateCandidate> gateCandidates(JdbcOperations jdbc, Map<String, Integer> wanted, String appId,
			SqlArray functionIds, OffsetDateTime now) {
		return jdbc.query(this.gateCandidates, GateCandidate.ROW, new SqlArray(wanted.keySet()),
				SqlArray.ofIntegers(wanted.values().toArray(Integer[]::new)), reach(now), now, appId, functionIds);
	}

	@Override
	List<ClaimedRun> take(JdbcOperations jdbc, List<String> runIds, String owner, OffsetDateTime now,
			OffsetDateTime leaseUntil) {
		return Rows.inOrderOf(runIds, jdbc.query(this.takeLocked, Rows.CLAIMED_RUN, new SqlArray(runIds), owner,
				leaseUntil, leaseUntil, now, now));
	}

	@Override
	void openGates(JdbcOperations jdbc, List<GateOpening> openings) {
		if (!openings.isEmpty()) {
			jdbc.update(this.openGates.formatted(RowsInsert.rows(GATE_ROW, openings.size())),
					RowsInsert.rowValues(openings, Rows::gateValues).toArray());
		}
	}

	@Override
	int release(JdbcOperations jdbc, Sql statement, Collection<String> runIds, Object... args) {
		Integer changed = jdbc.queryForObject(this.freeingSlots.get(statement), Integer.class, args);
		return (changed != null) ? changed : 0;
	}

	@Override
	Optional<OffsetDateTime> nextDue(JdbcOperations jdbc, String appId, SqlArray functionIds, OffsetDateTime now) {
		OffsetDateTime reach = reach(now);
		return jdbc
			.query(statements().get(Sql.NEXT_DUE), (rs, n) -> rs.getObject("next_due", OffsetDateTime.class), reach,
					appId, functionIds, reach, appId, functionIds, appId, functionIds, appId, functionIds)
			.stream()
			.filter(Objects::nonNull)
			.findFirst();
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
	private static SqlArray lockKeys(Collection<String> eventNames) {
		return SqlArray
			.ofIntegers(eventNames.stream().map(String::hashCode).distinct().sorted().toArray(Integer[]::new));
	}

	@Override
	List<FlowState> lockFlowStates(JdbcOperations jdbc, List<String> keys) {
		return jdbc.query(this.upsertFlowStates, Rows.FLOW_STATE, new SqlArray(keys));
	}

	@Override
	Set<String> saveHeldSteps(JdbcOperations jdbc, String owner, List<RunStep> steps) {
		return ownedIds(jdbc, this.saveHeldSteps, Rows.STEP_TYPES, steps, Rows::stepValues, owner);
	}

	@Override
	void saveSteps(JdbcOperations jdbc, List<RunStep> steps) {
		if (!steps.isEmpty()) {
			jdbc.update(this.upsertSteps, SqlArray.columns(Rows.STEP_TYPES, steps, Rows::stepValues).toArray());
		}
	}

	@Override
	Set<String> finish(JdbcOperations jdbc, String owner, List<RunEnd> ends) {
		return ownedIds(jdbc, this.finishAll, Rows.END_TYPES, ends, Rows::endValues, owner);
	}

	@Override
	Written saveStepsAndFinish(JdbcOperations jdbc, String owner, List<RunStep> steps, List<RunEnd> ends) {
		if (steps.isEmpty() || ends.isEmpty()) {
			return super.saveStepsAndFinish(jdbc, owner, steps, ends);
		}
		List<Object> args = new ArrayList<>(SqlArray.columns(Rows.STEP_TYPES, steps, Rows::stepValues));
		args.add(owner);
		args.addAll(SqlArray.columns(Rows.END_TYPES, ends, Rows::endValues));
		args.add(owner);
		Set<String> held = new HashSet<>();
		Set<String> ended = new HashSet<>();
		jdbc.query(this.saveHeldStepsAndFinish,
				(RowCallbackHandler) (rs) -> ("held".equals(rs.getString("kind")) ? held : ended)
					.add(rs.getString("id")),
				args.toArray());
		return new Written(held, ended);
	}

	/**
	 * Run a statement of many runs' rows, given as one array per column, whose last
	 * parameter is the owner, and read the ids of the runs it applied to.
	 */
	private static <T> Set<String> ownedIds(JdbcOperations jdbc, String sql, List<String> types, List<T> items,
			Function<T, Object[]> values, String owner) {
		if (items.isEmpty()) {
			return Set.of();
		}
		List<Object> args = new ArrayList<>(SqlArray.columns(types, items, values));
		args.add(owner);
		return new HashSet<>(jdbc.queryForList(sql, String.class, args.toArray()));
	}

	@Override
	AcceptedEvents acceptEventIds(JdbcOperations jdbc, Collection<String> eventNames, Collection<String> ids,
			OffsetDateTime now, OffsetDateTime windowStart) {
		Set<String> accepted = new HashSet<>();
		String[] version = new String[1];
		jdbc.query(this.lockAndAcceptEventIds, (RowCallbackHandler) (rs) -> {
			accepted.add(rs.getString("id"));
			version[0] = rs.getString("functions_version");
		}, LOCK_NAMESPACE, lockKeys(eventNames), now, new SqlArray(ids), windowStart);
		return new AcceptedEvents(accepted, version[0]);
	}

	/**
	 * The rows as arrays: binding a few thousand parameters one by one was the largest
	 * share of a send's time in the JVM (see BENCHMARKS.md).
	 */
	@Override
	<T> RowsInsert rowsInsert(String head, List<String> types, List<T> items, Function<T, Object[]> row) {
		return RowsInsert.ofArrays(head, types, items, row);
	}

	/**
	 * The inserts as data-modifying CTEs of the look-up: one round trip. The look-up runs
	 * after the send's locks were taken by an earlier statement, as it must, and sees
	 * none of the rows its CTEs insert, which is why no matcher may be among them.
	 */
	@Override
	WaitLookup insertAndFindWaits(JdbcOperations jdbc, List<RowsInsert> inserts, SqlArray eventNames,
			OffsetDateTime now) {
		String pendingWaits = statements().get(Sql.PENDING_WAITS);
		if (inserts.isEmpty()) {
			return jdbc.query(pendingWaits, WaitLookups.INSTANCE, eventNames, now, eventNames);
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
		args.add(eventNames);
		return jdbc.query(sql.append(' ').append(pendingWaits).toString(), WaitLookups.INSTANCE, args.toArray());
	}

	@Override
	String functionsVersion(JdbcOperations jdbc) {
		return jdbc.queryForObject(this.functionsVersion, String.class);
	}

}
