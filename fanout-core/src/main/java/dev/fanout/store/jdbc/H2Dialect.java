package dev.fanout.store.jdbc;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.fanout.RunStatus;
import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.FlowState;
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

	/**
	 * The statuses a claim takes, each scanned in due order by the (status, due_at)
	 * index.
	 */
	private static final List<String> CLAIMABLE = List.of("QUEUED", "RUNNING", "SLEEPING", "WAITING");

	/** The statuses whose runs become due without a claim: queued and paused. */
	private static final List<String> PAUSED = List.of("QUEUED", "SLEEPING", "WAITING");

	/**
	 * Ordered by status too, which H2 needs to read the index in order instead of
	 * sorting.
	 */
	static final String SELECT_DUE_OF_STATUS = """
			SELECT id, due_at FROM fanout_runs
			WHERE status = ? AND due_at <= ? AND app_id = ? AND function_id = ANY (?)
			ORDER BY status, due_at
			LIMIT ?
			""";

	/** The earliest due run of one status, read in index order. */
	static final String NEXT_DUE_OF_STATUS = """
			SELECT due_at FROM fanout_runs
			WHERE status = ? AND app_id = ? AND function_id = ANY (?)
			ORDER BY status, due_at
			LIMIT 1
			""";

	static final String LOCK_DUE = """
			SELECT id FROM fanout_runs
			WHERE id = ANY (?) AND status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING') AND due_at <= ?
			ORDER BY due_at
			FOR UPDATE
			""";

	static final String TAKE = """
			UPDATE fanout_runs
			SET status = 'RUNNING', lease_owner = ?, due_at = ?, attempts = attempts + 1, started_at = COALESCE(started_at, ?),
			"""
			+ Sql.Columns.claimCounts("fanout_runs") + """
					WHERE id = ANY (?)
					""";

	static final String SELECT_CLAIMED = "SELECT " + Sql.Columns.RUN_WITH_EVENT + """
			FROM fanout_runs r JOIN fanout_events e ON e.seq = r.event_seq
			WHERE r.id = ANY (?)
			ORDER BY r.due_at
			""";

	/** H2 serves one JVM, so event names are locked in memory, by stripe. */
	private static final ReentrantReadWriteLock[] NAME_LOCKS = new ReentrantReadWriteLock[64];

	static {
		Arrays.setAll(NAME_LOCKS, (i) -> new ReentrantReadWriteLock());
	}

	private final String selectDueOfStatus;

	private final String nextDueOfStatus;

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
		this.nextDueOfStatus = statements().render(NEXT_DUE_OF_STATUS);
		this.lockDue = statements().render(LOCK_DUE);
		this.take = statements().render(TAKE);
		this.selectClaimed = statements().render(SELECT_CLAIMED);
	}

	@Override
	Optional<OffsetDateTime> nextDue(JdbcOperations jdbc, String appId, SqlArray functionIds) {
		// One ordered index read per status, as for claims: a MIN over all statuses
		// scans every queued row, which takes seconds over a deep queue.
		return PAUSED.stream()
			.flatMap((status) -> jdbc
				.query(this.nextDueOfStatus, (rs, n) -> rs.getObject("due_at", OffsetDateTime.class), status, appId,
						functionIds)
				.stream())
			.min(OffsetDateTime::compareTo);
	}

	@Override
	List<ClaimedRun> claim(JdbcOperations jdbc, String appId, SqlArray functionIds, int limit, String owner,
			OffsetDateTime now, OffsetDateTime leaseUntil) {
		// One ordered index scan per status rather than one query over all of them: H2
		// has no partial index, and sorting every due run on each claim made claims slow
		// under load.
		List<Map.Entry<String, OffsetDateTime>> due = new ArrayList<>();
		for (String status : CLAIMABLE) {
			due.addAll(jdbc.query(this.selectDueOfStatus,
					(rs, n) -> Map.entry(rs.getString("id"), rs.getObject("due_at", OffsetDateTime.class)), status, now,
					appId, functionIds, limit));
		}
		if (due.isEmpty()) {
			return List.of();
		}
		List<String> candidates = due.stream()
			.sorted(Map.Entry.comparingByValue())
			.limit(limit)
			.map(Map.Entry::getKey)
			.toList();
		List<String> ids = jdbc.queryForList(this.lockDue, String.class, new SqlArray(candidates), now);
		if (ids.isEmpty()) {
			return List.of();
		}
		SqlArray runIds = new SqlArray(ids);
		jdbc.update(this.take, owner, leaseUntil, now, now, runIds);
		return jdbc.query(this.selectClaimed, Rows.CLAIMED_RUN, runIds);
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
			jdbc.update(statements().get(Sql.DELETE_WAITS_OF_RUNS), new SqlArray(ended));
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
	AutoCloseable listen(DataSource dataSource, String appId, Runnable onWake) {
		return () -> {
		};
	}

}
