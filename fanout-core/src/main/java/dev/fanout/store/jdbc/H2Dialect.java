package dev.fanout.store.jdbc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.fanout.RunStatus;
import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.FlowState;
import dev.fanout.store.GateOpening;
import dev.fanout.store.Listening;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStep;
import dev.fanout.store.StoredStep;
import dev.fanout.store.WaitLookup;

import static dev.fanout.store.jdbc.Rows.nullableTime;

/**
 * H2: one instance, so a claim locks the due rows, then takes them, and event names are
 * locked in memory; each step, run end and event id is one statement or two.
 */
final class H2Dialect extends Dialect {

	/** The statuses whose runs become due without a claim: queued and paused. */
	private static final List<String> PAUSED = List.of("QUEUED", "SLEEPING", "WAITING");

	/**
	 * The runs of one queued or paused status due and behind no gate, in rank order, but
	 * those of paused functions: the status and the gate are in the order too, which H2
	 * needs to read the (status, gate, rank_at) index in order instead of sorting. Its
	 * parameters are the status, the reach of priorities, the time, the application, the
	 * functions and the most runs.
	 */
	static final String SELECT_DUE_OF_STATUS = """
			SELECT id, rank_at FROM fanout_runs
			WHERE status = ? AND gate IS NULL AND rank_at <= ? AND due_at <= ? AND app_id = ? AND function_id = ANY (?)
				AND %s
			ORDER BY status, gate, rank_at
			LIMIT ?
			""".formatted(Sql.Columns.notPaused("fanout_runs"));

	/**
	 * Running runs whose lease expired: few, so sorted. Those of paused functions too: a
	 * run that was running when its function was paused goes on.
	 */
	static final String SELECT_EXPIRED = """
			SELECT id, rank_at FROM fanout_runs
			WHERE status = 'RUNNING' AND due_at <= ? AND app_id = ? AND function_id = ANY (?)
			ORDER BY rank_at
			LIMIT ?
			""";

	/**
	 * The earliest due run of a status that waits behind no gate, for
	 * {@link Sql#NEXT_DUE}: the first entry of an index range, where a minimum over the
	 * rows would read them all.
	 */
	static final String NEXT_DUE_OF_STATUS = """
			SELECT due_at FROM fanout_runs
			WHERE status = ? AND gate IS NULL AND app_id = ? AND function_id = ANY (?) AND %s
			ORDER BY status, gate, due_at
			LIMIT 1
			""".formatted(Sql.Columns.notPaused("fanout_runs"));

	/** The gates {@link Sql#DUE_GATES} locks, read without locking. */
	static final String DUE_GATE_KEYS = """
			SELECT gate_key FROM fanout_gates g
			WHERE next_due <= ? AND ((app_id = ? AND function_id = ANY (?)) OR (app_id IS NULL AND ?)) AND %s
			ORDER BY next_due
			LIMIT ?
			""".formatted(Sql.Columns.notPaused("g"));

	/** Those of the gates still due that no other transaction holds, locked. */
	static final String LOCK_DUE_GATES = """
			SELECT gate_key, function_id, tat FROM fanout_gates
			WHERE gate_key = ANY (?) AND next_due <= ?
			ORDER BY next_due
			FOR UPDATE SKIP LOCKED
			""";

	/**
	 * The earliest due run of a status behind a gate, for
	 * {@link Sql#PENDING_DUE_OF_GATES}, whose condition it shares.
	 */
	static final String PENDING_DUE_OF_STATUS = """
			SELECT due_at FROM fanout_runs
			WHERE status = ? AND gate = ? AND %s
			ORDER BY status, gate, due_at
			LIMIT 1
			""".formatted(Sql.Columns.notPaused("fanout_runs"));

	/** Which of some gates have a run of a status due behind them. */
	static final String GATES_WITH_DUE = """
			SELECT DISTINCT gate FROM fanout_runs
			WHERE status = ? AND gate = ANY (?) AND due_at <= ?
			""";

	/**
	 * The runs behind a gate of one status, in the form of {@link #SELECT_DUE_OF_STATUS}:
	 * {@link PostgresDialect#GATE_CANDIDATES} for one status and gate.
	 */
	static final String SELECT_BEHIND_GATE = """
			SELECT id, function_id, gate, slot1, slot2, throttle_key, started_at, rank_at FROM fanout_runs
			WHERE status = ? AND gate = ? AND rank_at <= ? AND due_at <= ? AND app_id = ? AND function_id = ANY (?)
				AND %s
			ORDER BY status, gate, rank_at
			LIMIT ?
			""".formatted(Sql.Columns.notPaused("fanout_runs"));

	static final String LOCK_DUE = """
			SELECT id, due_at FROM fanout_runs
			WHERE id = ANY (?) AND status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING') AND due_at <= ?
			ORDER BY id
			FOR UPDATE
			""";

	/** See {@link PostgresDialect#TAKE}, whose parameters it takes, then the runs. */
	static final String TAKE = """
			UPDATE fanout_runs
			SET status = 'RUNNING', lease_owner = ?, due_at = ?, rank_at = ?, attempts = attempts + 1,
				started_at = COALESCE(started_at, ?), gate = slot1,
			""" + Sql.Columns.claimCounts("fanout_runs") + """

			WHERE id = ANY (?)
			""";

	static final String SELECT_CLAIMED = "SELECT " + Sql.Columns.RUN_WITH_EVENT + """
			FROM fanout_runs r JOIN fanout_events e ON e.seq = r.event_seq
			WHERE r.id = ANY (?)
			ORDER BY r.rank_at
			""";

	private static final RowMapper<OffsetDateTime> TIME = (rs, n) -> rs.getObject(1, OffsetDateTime.class);

	private static final RowMapper<Map.Entry<String, OffsetDateTime>> RANKED = (rs, n) -> Map.entry(rs.getString("id"),
			rs.getObject("rank_at", OffsetDateTime.class));

	/** H2 serves one JVM, so event names are locked in memory, by stripe. */
	private static final ReentrantReadWriteLock[] NAME_LOCKS = new ReentrantReadWriteLock[64];

	static {
		Arrays.setAll(NAME_LOCKS, (i) -> new ReentrantReadWriteLock());
	}

	private final String selectDueOfStatus;

	private final String selectExpired;

	private final String nextDueOfStatus;

	private final String pendingDueOfStatus;

	private final String dueGateKeys;

	private final String gatesWithDue;

	private final String lockDueGates;

	private final String selectBehindGate;

	private final String lockDue;

	private final String take;

	private final String selectClaimed;

	/**
	 * The dialect, with the catalogue rendered for a table prefix.
	 * @param prefix the table name prefix
	 */
	H2Dialect(String prefix) {
		super(Statements.forPrefix(prefix, Map.of()));
		this.selectDueOfStatus = statements().render(SELECT_DUE_OF_STATUS);
		this.selectExpired = statements().render(SELECT_EXPIRED);
		this.nextDueOfStatus = statements().render(NEXT_DUE_OF_STATUS);
		this.pendingDueOfStatus = statements().render(PENDING_DUE_OF_STATUS);
		this.dueGateKeys = statements().render(DUE_GATE_KEYS);
		this.gatesWithDue = statements().render(GATES_WITH_DUE);
		this.lockDueGates = statements().render(LOCK_DUE_GATES);
		this.selectBehindGate = statements().render(SELECT_BEHIND_GATE);
		this.lockDue = statements().render(LOCK_DUE);
		this.take = statements().render(TAKE);
		this.selectClaimed = statements().render(SELECT_CLAIMED);
	}

	@Override
	Optional<OffsetDateTime> nextDue(JdbcOperations jdbc, String appId, SqlArray functionIds, OffsetDateTime now) {
		// One read of an index range per status, as for claims: over all statuses at
		// once H2 scans every queued row, which takes seconds over a deep queue.
		List<OffsetDateTime> times = new ArrayList<>();
		for (String status : PAUSED) {
			times.addAll(jdbc.query(this.nextDueOfStatus, TIME, status, appId, functionIds));
		}
		times.addAll(jdbc.query(statements().get(Sql.NEXT_DUE_OF_GATES), TIME, appId, functionIds, appId, functionIds));
		return times.stream().filter(Objects::nonNull).min(OffsetDateTime::compareTo);
	}

	@Override
	List<ClaimedRun> claim(JdbcOperations jdbc, String appId, SqlArray functionIds, int limit, String owner,
			OffsetDateTime now, OffsetDateTime leaseUntil) {
		// One ordered index scan per status rather than one query over all of them: H2
		// has no partial index, and sorting every due run on each claim made claims slow
		// under load.
		OffsetDateTime reach = reach(now);
		List<Map.Entry<String, OffsetDateTime>> due = new ArrayList<>();
		for (String status : PAUSED) {
			due.addAll(jdbc.query(this.selectDueOfStatus, RANKED, status, reach, now, appId, functionIds, limit));
		}
		due.addAll(jdbc.query(this.selectExpired, RANKED, now, appId, functionIds, limit));
		List<String> candidates = due.stream()
			.sorted(Map.Entry.comparingByValue())
			.limit(limit)
			.map(Map.Entry::getKey)
			.toList();
		return take(jdbc, candidates, owner, now, leaseUntil);
	}

	@Override
	List<GateCandidate> gateCandidates(JdbcOperations jdbc, Map<String, Integer> wanted, String appId,
			SqlArray functionIds, OffsetDateTime now) {
		OffsetDateTime reach = reach(now);
		Map<String, Set<String>> paused = pausedBehind(jdbc, new SqlArray(wanted.keySet()), now);
		List<GateCandidate> candidates = new ArrayList<>();
		wanted.forEach((gate, count) -> {
			List<GateCandidate> behind = new ArrayList<>();
			for (String status : PAUSED) {
				if (status.equals("QUEUED") || paused.get(status).contains(gate)) {
					behind.addAll(jdbc.query(this.selectBehindGate, GateCandidate.ROW, status, gate, reach, now, appId,
							functionIds, count));
				}
			}
			behind.stream().sorted(Comparator.comparing(GateCandidate::rankAt)).limit(count).forEach(candidates::add);
		});
		return candidates;
	}

	/**
	 * The gates with a sleeping or waiting run due behind them, by status: a statement a
	 * status for all the gates, rather than one a gate, as such runs are few.
	 */
	private Map<String, Set<String>> pausedBehind(JdbcOperations jdbc, SqlArray gates, OffsetDateTime now) {
		Map<String, Set<String>> paused = new HashMap<>();
		for (String status : List.of("SLEEPING", "WAITING")) {
			paused.put(status, new HashSet<>(jdbc.queryForList(this.gatesWithDue, String.class, status, gates, now)));
		}
		return paused;
	}

	/**
	 * Make due the full gates of the slots that runs held: locked first, in a statement
	 * of their own, so that the update sees a claim's mark of a full gate once it
	 * commits.
	 */
	private void wakeGates(JdbcOperations jdbc, SqlArray runIds) {
		List<String> gates = jdbc.queryForList(statements().get(Sql.LOCK_GATES_OF_RUNS), String.class, runIds, runIds);
		if (!gates.isEmpty()) {
			jdbc.update(statements().get(Sql.WAKE_FULL_GATES), new SqlArray(gates));
		}
	}

	/**
	 * Lock the runs, those still due, then take them: one claim at a time reads them, but
	 * a send may cancel one meanwhile.
	 */
	@Override
	List<ClaimedRun> take(JdbcOperations jdbc, List<String> runIds, String owner, OffsetDateTime now,
			OffsetDateTime leaseUntil) {
		if (runIds.isEmpty()) {
			return List.of();
		}
		// The take moves due_at to the lease's end: the runs are read back due as before.
		Map<String, Instant> due = new HashMap<>();
		jdbc.query(this.lockDue, (RowCallbackHandler) (rs) -> due.put(rs.getString("id"), Rows.instant(rs, "due_at")),
				new SqlArray(runIds), now);
		if (due.isEmpty()) {
			return List.of();
		}
		SqlArray taken = new SqlArray(List.copyOf(due.keySet()));
		jdbc.update(this.take, owner, leaseUntil, leaseUntil, now, now, taken);
		return Rows.inOrderOf(runIds,
				jdbc.query(this.selectClaimed, Rows.CLAIMED_RUN, taken)
					.stream()
					.map((run) -> run.withDueAt(due.get(run.id())))
					.toList());
	}

	/** An update, or an insert where there is no row, for each gate. */
	@Override
	void openGates(JdbcOperations jdbc, List<GateOpening> openings) {
		int[] updated = jdbc.batchUpdate(statements().get(Sql.OPEN_GATE),
				openings.stream().map(H2Dialect::openGateValues).toList());
		for (int i = 0; i < openings.size(); i++) {
			if (updated[i] == 0) {
				insertOpenGate(jdbc, openings.get(i));
			}
		}
	}

	/**
	 * A new gate's row, or, where another send inserted it meanwhile, that row updated.
	 */
	private void insertOpenGate(JdbcOperations jdbc, GateOpening opening) {
		Object[] values = Rows.gateValues(opening);
		int inserted;
		try {
			inserted = jdbc.update(statements().get(Sql.INSERT_OPEN_GATE), values[0], values[1], values[2], values[3],
					opening.key());
		}
		catch (DuplicateKeyException ex) {
			inserted = 0;
		}
		if (inserted == 0) {
			jdbc.update(statements().get(Sql.OPEN_GATE), openGateValues(opening));
		}
	}

	private static Object[] openGateValues(GateOpening opening) {
		OffsetDateTime due = Rows.time(opening.due());
		return new Object[] { due, due, opening.key() };
	}

	/**
	 * The due gates are found first, then locked: H2 locks every row its condition meets
	 * before it applies the limit.
	 */
	@Override
	void lockDueGates(JdbcOperations jdbc, RowCallbackHandler rows, OffsetDateTime now, String appId,
			SqlArray functionIds, boolean global, int limit) {
		List<String> keys = jdbc.queryForList(this.dueGateKeys, String.class, now, appId, functionIds, global, limit);
		if (!keys.isEmpty()) {
			jdbc.query(this.lockDueGates, rows, new SqlArray(keys), now);
		}
	}

	/**
	 * One read of an index entry per gate and status, as H2 reads every queued row for an
	 * IN.
	 */
	@Override
	Map<String, OffsetDateTime> pendingDue(JdbcOperations jdbc, List<String> gates) {
		Map<String, OffsetDateTime> due = new HashMap<>();
		for (String gate : gates) {
			for (String status : PAUSED) {
				for (OffsetDateTime time : jdbc.query(this.pendingDueOfStatus, TIME, status, gate)) {
					due.merge(gate, time, (a, b) -> a.isBefore(b) ? a : b);
				}
			}
		}
		return due;
	}

	@Override
	int release(JdbcOperations jdbc, Sql statement, Collection<String> runIds, Object... args) {
		int changed = jdbc.update(statements().get(statement), args);
		if (changed > 0) {
			wakeGates(jdbc, new SqlArray(runIds));
		}
		return changed;
	}

	@Override
	void lockEventNames(JdbcOperations jdbc, Collection<String> eventNames, boolean exclusive) {
		List<Lock> locks = eventNames.stream()
			.map((name) -> Math.floorMod(name.hashCode(), NAME_LOCKS.length))
			.distinct()
			.sorted()
			.<Lock>map((stripe) -> exclusive ? NAME_LOCKS[stripe].writeLock() : NAME_LOCKS[stripe].readLock())
			.toList();
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			throw new IllegalStateException("Event names can only be locked inside a Spring-managed transaction");
		}
		locks.forEach(Lock::lock);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCompletion(int status) {
				locks.forEach(Lock::unlock);
			}
		});
	}

	@Override
	AcceptedEvents acceptEventIds(JdbcOperations jdbc, Collection<String> eventNames, Collection<String> ids,
			OffsetDateTime now, OffsetDateTime windowStart) {
		if (!eventNames.isEmpty()) {
			lockEventNames(jdbc, eventNames, false);
		}
		Set<String> fresh = new HashSet<>();
		for (String id : ids) {
			if (acceptOne(jdbc, id, now, windowStart)) {
				fresh.add(id);
			}
		}
		return new AcceptedEvents(fresh, null);
	}

	private boolean acceptOne(JdbcOperations jdbc, String id, OffsetDateTime now, OffsetDateTime windowStart) {
		if (jdbc.update(statements().get(Sql.REFRESH_EVENT_ID), now, id, windowStart) == 1) {
			return true;
		}
		try {
			return jdbc.update(statements().get(Sql.INSERT_EVENT_ID), id, now) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	/** Each insert, then the look-up: one statement each. */
	@Override
	WaitLookup insertAndFindWaits(JdbcOperations jdbc, List<RowsInsert> inserts, SqlArray eventNames,
			OffsetDateTime now) {
		for (RowsInsert insert : inserts) {
			jdbc.update(insert.sql(), insert.args().toArray());
		}
		return jdbc.query(statements().get(Sql.PENDING_WAITS), WaitLookups.INSTANCE, eventNames, now, eventNames);
	}

	/**
	 * An insert per missing key, then the lock. A row that retention deletes between the
	 * two is missing from the lock's rows: its key is created and locked again.
	 */
	@Override
	List<FlowState> lockFlowStates(JdbcOperations jdbc, List<String> keys) {
		List<FlowState> locked = new ArrayList<>();
		Set<String> missing = new TreeSet<>(keys);
		while (!missing.isEmpty()) {
			for (String key : missing) {
				try {
					jdbc.update(statements().get(Sql.INSERT_FLOW_STATE), key, key);
				}
				catch (DuplicateKeyException ex) {
					// Created meanwhile by another send: the lock waits for it.
				}
			}
			List<FlowState> rows = jdbc.query(statements().get(Sql.LOCK_FLOW_STATES), Rows.FLOW_STATE,
					new SqlArray(missing));
			rows.forEach((row) -> missing.remove(row.key()));
			locked.addAll(rows);
		}
		return locked;
	}

	/** The lock is one statement, and each step one or two more. */
	@Override
	Set<String> saveHeldSteps(JdbcOperations jdbc, String owner, List<RunStep> steps) {
		Set<String> held = new HashSet<>();
		jdbc.query(statements().get(Sql.LOCK_RUNS), (RowCallbackHandler) (rs) -> {
			if (owner.equals(rs.getString("lease_owner")) && RunStatus.RUNNING.name().equals(rs.getString("status"))
					&& !rs.getBoolean("cancel_requested")) {
				held.add(rs.getString("id"));
			}
		}, new SqlArray(steps.stream().map(RunStep::runId).toList()));
		saveSteps(jdbc, steps.stream().filter((step) -> held.contains(step.runId())).toList());
		return held;
	}

	/** An update, then an insert where there was nothing to update. */
	@Override
	void saveSteps(JdbcOperations jdbc, List<RunStep> steps) {
		for (RunStep s : steps) {
			StoredStep step = s.step();
			int updated = jdbc.update(statements().get(Sql.UPDATE_STEP), step.status().name(), step.output(),
					step.outputType(), step.error(), step.errorStack(), step.attempts(), nullableTime(step.wakeAt()),
					nullableTime(step.endedAt()), s.runId(), step.key());
			if (updated == 0) {
				try {
					jdbc.update(statements().get(Sql.INSERT_STEP), Rows.stepValues(s));
				}
				catch (DuplicateKeyException ex) {
					// The step is already completed: recording stays exactly-once.
				}
			}
		}
	}

	/** A batch of updates, then a delete. */
	@Override
	Set<String> finish(JdbcOperations jdbc, String owner, List<RunEnd> ends) {
		int[] counts = jdbc.batchUpdate(statements().get(Sql.FINISH), ends.stream().map((end) -> {
			Object[] values = Arrays.copyOf(Rows.endValues(end), 7);
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
			SqlArray ids = new SqlArray(ended);
			jdbc.update(statements().get(Sql.DELETE_WAITS_OF_RUNS), ids);
			wakeGates(jdbc, ids);
		}
		return ended;
	}

	@Override
	String functionsVersion(JdbcOperations jdbc) {
		return jdbc.queryForObject(statements().get(Sql.FUNCTIONS_VERSION),
				(rs, n) -> rs.getLong("functions") + "@" + rs.getString("latest"));
	}

	/** Nothing: other instances find the runs by polling. */
	@Override
	void announce(JdbcOperations jdbc, Collection<String> appIds) {
	}

	/** Nothing: no instance announces. */
	@Override
	Listening listen(DataSource dataSource, String appId, Runnable onWake) {
		return Listening.NONE;
	}

}
