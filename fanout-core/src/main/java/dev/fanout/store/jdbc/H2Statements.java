package dev.fanout.store.jdbc;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.fanout.store.ClaimedRun;

/**
 * H2 statements. H2 serves one instance, so a claim locks the due rows, then takes them.
 */
final class H2Statements extends Statements {

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
			SET status = 'RUNNING', lease_owner = ?, due_at = ?, attempts = attempts + 1, started_at = COALESCE(started_at, ?)
			WHERE id = ANY (?)
			""";

	static final String SELECT_CLAIMED = "SELECT " + RUN_WITH_EVENT + """
			FROM fanout_runs r JOIN fanout_events e ON e.seq = r.event_seq
			WHERE r.id = ANY (?)
			ORDER BY r.due_at
			""";

	/** H2 serves one JVM, so event names are locked in memory, by stripe. */
	private static final ReentrantReadWriteLock[] NAME_LOCKS = new ReentrantReadWriteLock[64];

	static {
		Arrays.setAll(NAME_LOCKS, (i) -> new ReentrantReadWriteLock());
	}

	H2Statements(String prefix) {
		super(prefix);
	}

	@Override
	Optional<OffsetDateTime> nextDue(JdbcOperations jdbc, String appId, SqlArray functionIds) {
		// One ordered index read per status, as for claims: a MIN over all statuses
		// scans every queued row, which takes seconds over a deep queue.
		return PAUSED.stream()
			.flatMap((status) -> jdbc
				.query(sql(NEXT_DUE_OF_STATUS), (rs, n) -> rs.getObject("due_at", OffsetDateTime.class), status, appId,
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
			due.addAll(jdbc.query(sql(SELECT_DUE_OF_STATUS),
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
		List<String> ids = jdbc.queryForList(sql(LOCK_DUE), String.class, new SqlArray(candidates), now);
		if (ids.isEmpty()) {
			return List.of();
		}
		SqlArray runIds = new SqlArray(ids);
		jdbc.update(sql(TAKE), owner, leaseUntil, now, runIds);
		return jdbc.query(sql(SELECT_CLAIMED), Rows.CLAIMED_RUN, runIds);
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

}
