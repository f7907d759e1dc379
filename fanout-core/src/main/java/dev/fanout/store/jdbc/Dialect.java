package dev.fanout.store.jdbc;

import java.sql.DatabaseMetaData;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.FlowState;
import dev.fanout.store.GateOpening;
import dev.fanout.store.Listening;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunFlow;
import dev.fanout.store.RunStep;
import dev.fanout.store.WaitLookup;

/**
 * What differs between the databases the JDBC store runs on, and only that: how runs are
 * claimed and event names locked, the single statements PostgreSQL makes of what H2 does
 * row by row, whether other instances are told of new runs, and the variants a database
 * runs of some statements of the {@link Sql} catalogue, which everything else runs as it
 * is.
 */
abstract sealed class Dialect permits H2Dialect, PostgresDialect {

	private final Statements statements;

	Dialect(Statements statements) {
		this.statements = statements;
	}

	/**
	 * The dialect of the database behind a data source.
	 * @param dataSource the data source
	 * @param tablePrefix the table name prefix
	 * @return the dialect, with the catalogue rendered for the prefix
	 * @throws IllegalStateException if the database is neither H2 nor PostgreSQL
	 * @throws IllegalArgumentException if the prefix is not a valid one
	 */
	static Dialect of(DataSource dataSource, String tablePrefix) {
		String product = databaseProduct(dataSource);
		return switch (product) {
			case "H2" -> new H2Dialect(tablePrefix);
			case "PostgreSQL" -> new PostgresDialect(tablePrefix);
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
	 * The catalogue, rendered for this store's prefix, with this dialect's variants.
	 * @return the statements
	 */
	final Statements statements() {
		return this.statements;
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
	 * The runs due behind some gates, locked, without waiting, for a gated claim.
	 * @param jdbc the JDBC operations, in the claim's transaction
	 * @param wanted the most runs to take behind each gate, by gate key
	 * @param appId the application whose runs to claim
	 * @param functionIds the function ids as a SQL array
	 * @param now the current time
	 * @return the runs, in rank order behind each gate
	 */
	abstract List<GateCandidate> gateCandidates(JdbcOperations jdbc, Map<String, Integer> wanted, String appId,
			SqlArray functionIds, OffsetDateTime now);

	/**
	 * Take runs a claim locked: leased to the owner and returned with their events.
	 * @param jdbc the JDBC operations, in the claim's transaction
	 * @param runIds the runs
	 * @param owner the lease owner
	 * @param now the current time
	 * @param leaseUntil the lease expiry
	 * @return the claimed runs
	 */
	abstract List<ClaimedRun> take(JdbcOperations jdbc, List<String> runIds, String owner, OffsetDateTime now,
			OffsetDateTime leaseUntil);

	/**
	 * Make gates due no later than their new runs, creating their rows where missing; see
	 * {@link dev.fanout.store.RunStore#openGates}.
	 * @param jdbc the JDBC operations, in the send's transaction
	 * @param openings the gates, one per key, in key order
	 */
	abstract void openGates(JdbcOperations jdbc, List<GateOpening> openings);

	/**
	 * Lock the due gates of an application's functions (and the global ones, if it has
	 * any), the longest due first, skipping those another transaction holds.
	 * @param jdbc the JDBC operations, in the claim's transaction
	 * @param rows reads each gate: key, function, throttle state
	 * @param now the current time
	 * @param appId the application
	 * @param functionIds its functions
	 * @param global whether to lock global gates too
	 * @param limit the most gates to lock
	 */
	void lockDueGates(JdbcOperations jdbc, RowCallbackHandler rows, OffsetDateTime now, String appId,
			SqlArray functionIds, boolean global, int limit) {
		jdbc.query(statements().get(Sql.DUE_GATES), rows, now, appId, functionIds, global, limit);
	}

	/**
	 * When the earliest run behind each gate is due, of every application.
	 * @param jdbc the JDBC operations, in the claim's transaction
	 * @param gates the gates
	 * @return the due times of the gates with runs behind them
	 */
	Map<String, OffsetDateTime> pendingDue(JdbcOperations jdbc, List<String> gates) {
		Map<String, OffsetDateTime> due = new HashMap<>();
		jdbc.query(statements().get(Sql.PENDING_DUE_OF_GATES),
				(RowCallbackHandler) (rs) -> due.put(rs.getString("gate"), rs.getObject("due", OffsetDateTime.class)),
				new SqlArray(gates));
		return due;
	}

	/**
	 * Run a statement that takes runs out of {@code RUNNING}, and make due the gates of
	 * the slots they held, so that a claim lets the runs waiting behind them start.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param statement {@link Sql#PARK}, {@link Sql#REQUEUE}, {@link Sql#RELEASE} or
	 * {@link Sql#UNCLAIM}
	 * @param runIds the runs it may change
	 * @param args its parameters
	 * @return how many runs it changed
	 */
	abstract int release(JdbcOperations jdbc, Sql statement, Collection<String> runIds, Object... args);

	/**
	 * When the next run of these functions is due; see
	 * {@link dev.fanout.store.RunStore#nextDue}.
	 * @param jdbc the JDBC operations
	 * @param appId the application
	 * @param functionIds the function ids as a SQL array
	 * @param now the current time
	 * @return the earliest due time, or a time no later, if any run is pending
	 */
	abstract Optional<OffsetDateTime> nextDue(JdbcOperations jdbc, String appId, SqlArray functionIds,
			OffsetDateTime now);

	/**
	 * How far past a time the runs a claim looks at may rank: a run ranks ahead of its
	 * due time by at most the longest priority, so none due by then ranks later.
	 * @param now the time
	 * @return the reach
	 */
	static OffsetDateTime reach(OffsetDateTime now) {
		return now.plusSeconds(RunFlow.MAX_PRIORITY);
	}

	/**
	 * Lock event names for the rest of the transaction; see
	 * {@link dev.fanout.store.RunStore#lockEventNames}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param eventNames the names, at least one
	 * @param exclusive whether to lock exclusively
	 */
	abstract void lockEventNames(JdbcOperations jdbc, Collection<String> eventNames, boolean exclusive);

	/**
	 * Lock event names shared, then insert or refresh event ids; see
	 * {@link dev.fanout.store.RunStore#acceptNewEvents}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param eventNames the event names
	 * @param ids the event ids
	 * @param now the time to record
	 * @param windowStart the start of the dedup window
	 * @return the ids that were new, with the function table's version where it was read
	 * in the same statement
	 */
	abstract AcceptedEvents acceptEventIds(JdbcOperations jdbc, Collection<String> eventNames, Collection<String> ids,
			OffsetDateTime now, OffsetDateTime windowStart);

	/**
	 * Make inserts, then find the pending matchers for events of some names; see
	 * {@link dev.fanout.store.RunStore#insertAndFindWaits}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param inserts the inserts, rendered, none of matchers, possibly none at all
	 * @param eventNames the event names
	 * @param now the current time
	 * @return the matchers found by no key, and the paths of the others
	 */
	abstract WaitLookup insertAndFindWaits(JdbcOperations jdbc, List<RowsInsert> inserts, SqlArray eventNames,
			OffsetDateTime now);

	/**
	 * A send's insert of some rows, for {@link #insertAndFindWaits}: a multi-row
	 * {@code VALUES} list unless the database takes them more cheaply.
	 * @param <T> what a row is made of
	 * @param head the statement up to its column list, rendered
	 * @param types the columns' SQL types
	 * @param items the rows' items, at least one
	 * @param row the values of an item's row, one per column
	 * @return the insert
	 */
	<T> RowsInsert rowsInsert(String head, List<String> types, List<T> items, Function<T, Object[]> row) {
		return RowsInsert.of(head, items, row);
	}

	/**
	 * Create the state rows of keys that have none, then lock and read every key's row;
	 * see {@link dev.fanout.store.FlowStateStore#lock}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param keys the keys, distinct, at least one
	 * @return the rows, one per key
	 */
	abstract List<FlowState> lockFlowStates(JdbcOperations jdbc, List<String> keys);

	/**
	 * Lock the runs of some steps, and save the steps of the runs the owner holds; see
	 * {@link dev.fanout.store.RunStore#saveSteps}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param owner the lease owner
	 * @param steps the steps, at most one per run
	 * @return the ids of the runs the owner holds, whose steps were saved
	 */
	abstract Set<String> saveHeldSteps(JdbcOperations jdbc, String owner, List<RunStep> steps);

	/**
	 * Save steps, leaving completed ones as they are.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param steps the steps, at most one per run
	 */
	abstract void saveSteps(JdbcOperations jdbc, List<RunStep> steps);

	/**
	 * End the runs the owner holds, and delete their pending matchers; see
	 * {@link dev.fanout.store.RunStore#finish}.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param owner the lease owner
	 * @param ends the ends, at most one per run
	 * @return the ids of the runs ended
	 */
	abstract Set<String> finish(JdbcOperations jdbc, String owner, List<RunEnd> ends);

	/**
	 * Save the steps of the runs the owner holds, then end the runs the owner holds whose
	 * step here, if any, was saved; see
	 * {@link dev.fanout.store.RunStore#saveStepsAndFinish}. By default in two statements.
	 * @param jdbc the JDBC operations, in a transaction
	 * @param owner the lease owner
	 * @param steps the steps, at most one per run
	 * @param ends the ends, at most one per run
	 * @return the runs whose steps were saved, and those ended
	 */
	Written saveStepsAndFinish(JdbcOperations jdbc, String owner, List<RunStep> steps, List<RunEnd> ends) {
		Set<String> held = steps.isEmpty() ? Set.of() : saveHeldSteps(jdbc, owner, steps);
		Set<String> refused = steps.stream()
			.map(RunStep::runId)
			.filter((runId) -> !held.contains(runId))
			.collect(Collectors.toSet());
		List<RunEnd> ending = ends.stream().filter((end) -> !refused.contains(end.runId())).toList();
		return new Written(held, ending.isEmpty() ? Set.of() : finish(jdbc, owner, ending));
	}

	/**
	 * What {@link #saveStepsAndFinish} wrote.
	 *
	 * @param held the runs whose steps were saved
	 * @param ended the runs ended
	 */
	record Written(Set<String> held, Set<String> ended) {

	}

	/**
	 * The function table's version; see
	 * {@link dev.fanout.store.RunStore#functionsVersion}.
	 * @param jdbc the JDBC operations
	 * @return the version
	 */
	abstract String functionsVersion(JdbcOperations jdbc);

	/**
	 * Tell other instances that runs of these applications are due, once the current
	 * transaction commits; see {@link dev.fanout.store.RunStore#announce}.
	 * @param jdbc the JDBC operations, in the transaction
	 * @param appIds the applications, {@code *} for all
	 */
	abstract void announce(JdbcOperations jdbc, Collection<String> appIds);

	/**
	 * Start listening for other instances' announcements; see
	 * {@link dev.fanout.store.RunStore#listen}.
	 * @param dataSource the data source
	 * @param appId this application
	 * @param onWake called when runs of this application may be due
	 * @return the listening, to close to stop
	 */
	abstract Listening listen(DataSource dataSource, String appId, Runnable onWake);

}
