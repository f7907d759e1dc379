package dev.fanout.store.jdbc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.fanout.EventInfo;
import dev.fanout.FunctionInfo;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.FunctionKey;
import dev.fanout.store.GateLimits;
import dev.fanout.store.GateOpening;
import dev.fanout.store.Listening;
import dev.fanout.store.NewEvent;
import dev.fanout.store.NewRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.PendingWait;
import dev.fanout.store.RegisteredFunction;
import dev.fanout.store.ReplayableRun;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStep;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredEvent;
import dev.fanout.store.StoredStep;
import dev.fanout.store.WaitLookup;

import static dev.fanout.store.jdbc.Rows.nullableTime;
import static dev.fanout.store.jdbc.Rows.time;

/**
 * The {@link RunStore} on JDBC, for H2 and PostgreSQL.
 *
 * @since 0.1.0
 */
public final class JdbcRunStore implements RunStore {

	/**
	 * Run ids are 26 characters of Crockford's base 32: none sorts below "" or above
	 * this.
	 */
	private static final String HIGHEST_ID = "Z".repeat(26);

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements statements;

	private final RunViews views;

	private final GateClaim gates;

	private final FunctionViews functionViews;

	private final FunctionPauses pauses;

	/** The application this store claims runs for. */
	private final String appId;

	private JdbcRunStore(JdbcTemplate jdbc, Dialect dialect, String appId) {
		this.jdbc = jdbc;
		this.dialect = dialect;
		this.statements = dialect.statements();
		this.views = new RunViews(jdbc, this.statements);
		this.gates = new GateClaim(jdbc, dialect);
		this.functionViews = new FunctionViews(jdbc, this.statements);
		this.pauses = new FunctionPauses(jdbc, this.statements, appId);
		this.appId = appId;
	}

	/**
	 * Create a store for the database behind the data source.
	 * @param dataSource the data source
	 * @param tablePrefix the table name prefix, {@code fanout_} by default
	 * @param appId the application whose runs this store claims
	 * @return the store
	 * @throws IllegalStateException if the database is neither H2 nor PostgreSQL
	 */
	public static JdbcRunStore create(DataSource dataSource, String tablePrefix, String appId) {
		return new JdbcRunStore(new JdbcTemplate(dataSource), Dialect.of(dataSource, tablePrefix), appId);
	}

	@Override
	public AcceptedEvents acceptNewEvents(Collection<String> eventNames, Collection<String> ids, Instant now,
			Instant windowStart) {
		return this.dialect.acceptEventIds(this.jdbc, eventNames, ids, time(now), time(windowStart));
	}

	@Override
	public void insert(List<NewEvent> events, List<NewRun> runs, List<NewWait> waits) {
		insertRows(Sql.INSERT_EVENTS, events, Rows::eventValues);
		insertRows(Sql.INSERT_RUNS, runs, Rows::runValues);
		insertRows(Sql.INSERT_WAITS, waits, Rows::waitValues);
	}

	@Override
	public WaitLookup insertAndFindWaits(List<NewEvent> events, List<NewRun> runs, List<NewWait> waits,
			Collection<String> eventNames, Instant now) {
		if (eventNames.isEmpty()) {
			insert(events, runs, waits);
			return WaitLookup.NONE;
		}
		// Matchers must be in before the look-up that sees them, and a large send takes
		// several inserts per table: those make their inserts first.
		if (!waits.isEmpty() || events.size() > RowsInsert.MAX_ROWS || runs.size() > RowsInsert.MAX_ROWS) {
			insert(events, runs, waits);
			return this.dialect.insertAndFindWaits(this.jdbc, List.of(), new SqlArray(eventNames), time(now));
		}
		List<RowsInsert> inserts = new ArrayList<>();
		if (!events.isEmpty()) {
			inserts.add(this.dialect.rowsInsert(sql(Sql.INSERT_EVENTS), Rows.EVENT_TYPES, events, Rows::eventValues));
		}
		if (!runs.isEmpty()) {
			inserts.add(this.dialect.rowsInsert(sql(Sql.INSERT_RUNS), Rows.RUN_TYPES, runs, Rows::runValues));
		}
		return this.dialect.insertAndFindWaits(this.jdbc, inserts, new SqlArray(eventNames), time(now));
	}

	@Override
	public List<PendingWait> keyedWaits(Collection<WaitLookup.Key> keys, Instant now) {
		if (keys.isEmpty()) {
			return List.of();
		}
		List<String> names = new ArrayList<>(keys.size());
		List<String> paths = new ArrayList<>(keys.size());
		List<String> values = new ArrayList<>(keys.size());
		for (WaitLookup.Key key : keys) {
			names.add(key.eventName());
			paths.add(key.path());
			values.add(key.key());
		}
		return this.jdbc.query(sql(Sql.KEYED_WAITS), Rows.PENDING_WAIT, new SqlArray(names), new SqlArray(paths),
				new SqlArray(values), time(now));
	}

	private <T> void insertRows(Sql head, List<T> rows, Function<T, Object[]> values) {
		RowsInsert.insertAll(this.jdbc, sql(head), rows, values);
	}

	@Override
	public void lockEventNames(Collection<String> eventNames, boolean exclusive) {
		if (!eventNames.isEmpty()) {
			this.dialect.lockEventNames(this.jdbc, eventNames, exclusive);
		}
	}

	@Override
	public List<NewEvent> eventsAfter(String name, Instant receivedAt, String afterSeq, int limit) {
		return this.jdbc.query(sql(Sql.EVENTS_AFTER),
				(rs, n) -> new NewEvent(Rows.EVENT.mapRow(rs, n), Rows.instant(rs, "received_at")), name,
				time(receivedAt), afterSeq, limit);
	}

	@Override
	public void insertWait(NewWait wait) {
		this.jdbc.update(sql(Sql.INSERT_WAIT), Rows.waitValues(wait));
	}

	@Override
	public void deleteWait(String runId, String stepKey) {
		this.jdbc.update(sql(Sql.DELETE_WAIT), runId, stepKey);
	}

	@Override
	public boolean resolveWaitingStep(String runId, StoredStep step) {
		return this.jdbc.update(sql(Sql.RESOLVE_WAITING_STEP), step.status().name(), step.output(), step.outputType(),
				step.error(), step.errorStack(), nullableTime(step.endedAt()), runId, step.key()) == 1;
	}

	@Override
	public boolean wake(String runId, Instant now) {
		return this.jdbc.update(sql(Sql.WAKE), time(now), time(now), runId) == 1;
	}

	@Override
	public boolean park(String runId, String owner, RunStatus status, Instant dueAt) {
		return this.dialect.release(this.jdbc, Sql.PARK, List.of(runId), status.name(), time(dueAt), time(dueAt), runId,
				owner) == 1;
	}

	@Override
	public Optional<String> cancelRequested(String runId, String owner) {
		return this.jdbc
			.query(sql(Sql.CANCEL_REQUESTED), (rs, n) -> String.valueOf(rs.getString("error")), runId, owner)
			.stream()
			.findFirst();
	}

	@Override
	public Optional<ClaimedRun> cancelParked(String runId, String reason, Instant now) {
		if (this.jdbc.update(sql(Sql.CANCEL_PARKED), reason, time(now), runId) == 0) {
			return Optional.empty();
		}
		this.jdbc.update(sql(Sql.DELETE_WAITS_OF_RUNS), new SqlArray(List.of(runId)));
		return this.jdbc.query(sql(Sql.SELECT_RUN_WITH_EVENT), Rows.CLAIMED_RUN, runId).stream().findFirst();
	}

	@Override
	public boolean requestCancel(String runId, String reason) {
		return this.jdbc.update(sql(Sql.REQUEST_CANCEL), reason, runId) == 1;
	}

	@Override
	public List<Map.Entry<String, String>> overdue(Instant now, int limit) {
		return this.jdbc.query(sql(Sql.OVERDUE),
				(rs, n) -> Map.entry(rs.getString("id"), rs.getString("deadline_reason")), time(now), limit);
	}

	@Override
	public void setDeadline(String runId, @Nullable Instant deadlineAt, @Nullable String reason) {
		this.jdbc.update(sql(Sql.SET_DEADLINE), nullableTime(deadlineAt), reason, runId);
	}

	@Override
	public Optional<Instant> nextDue(Collection<String> functionIds, Instant now) {
		if (functionIds.isEmpty()) {
			return Optional.empty();
		}
		return this.dialect.nextDue(this.jdbc, this.appId, new SqlArray(functionIds), time(now))
			.map(OffsetDateTime::toInstant);
	}

	@Override
	public List<ClaimedRun> claim(String owner, Collection<String> functionIds, int limit, Instant now,
			Instant leaseUntil) {
		if (functionIds.isEmpty() || limit <= 0) {
			return List.of();
		}
		return this.dialect.claim(this.jdbc, this.appId, new SqlArray(functionIds), limit, owner, time(now),
				time(leaseUntil));
	}

	@Override
	public List<ClaimedRun> claimGated(String owner, Map<String, GateLimits> functions, int limit, Instant now,
			Instant leaseUntil) {
		if (functions.isEmpty() || limit <= 0) {
			return List.of();
		}
		return this.gates.claim(this.appId, functions, limit, owner, time(now), time(leaseUntil));
	}

	@Override
	public void openGates(List<GateOpening> openings) {
		if (!openings.isEmpty()) {
			this.dialect.openGates(this.jdbc, openings);
		}
	}

	@Override
	public List<StoredEvent> batchEvents(String runId) {
		return this.jdbc.query(sql(Sql.SELECT_BATCH_EVENTS), Rows.EVENT, runId);
	}

	@Override
	public void copyBatchEvents(String fromRunId, String toRunId) {
		this.jdbc.update(sql(Sql.COPY_BATCH_EVENTS), toRunId, fromRunId);
	}

	@Override
	public List<StoredStep> steps(String runId) {
		return this.jdbc.query(sql(Sql.SELECT_STEPS), Rows.STEP, runId);
	}

	@Override
	public Optional<StoredStep> lockStep(String runId, String stepKey) {
		return this.jdbc.query(sql(Sql.LOCK_STEP), Rows.STEP, runId, stepKey).stream().findFirst();
	}

	@Override
	public boolean[] saveSteps(String owner, List<RunStep> steps) {
		return flags(steps.stream().map(RunStep::runId).toList(), this.dialect.saveHeldSteps(this.jdbc, owner, steps));
	}

	private static boolean[] flags(List<String> runIds, Set<String> selected) {
		boolean[] flags = new boolean[runIds.size()];
		for (int i = 0; i < flags.length; i++) {
			flags[i] = selected.contains(runIds.get(i));
		}
		return flags;
	}

	@Override
	public boolean saveStepOfCancellingRun(String runId, String owner, StoredStep step) {
		if (this.jdbc.update(sql(Sql.HOLD_CANCELLING), runId, owner) != 1) {
			return false;
		}
		this.dialect.saveSteps(this.jdbc, List.of(new RunStep(runId, step)));
		return true;
	}

	@Override
	public boolean requeue(String runId, String owner, Instant dueAt, int failures, int retryAttempt,
			@Nullable String error) {
		return this.dialect.release(this.jdbc, Sql.REQUEUE, List.of(runId), time(dueAt), time(dueAt), failures,
				retryAttempt, error, runId, owner) == 1;
	}

	@Override
	public boolean[] finish(String owner, List<RunEnd> ends) {
		return flags(ends.stream().map(RunEnd::runId).toList(), this.dialect.finish(this.jdbc, owner, ends));
	}

	@Override
	public boolean[] saveStepsAndFinish(String owner, List<RunStep> steps, List<RunEnd> ends) {
		Dialect.Written written = this.dialect.saveStepsAndFinish(this.jdbc, owner, steps, ends);
		boolean[] held = flags(steps.stream().map(RunStep::runId).toList(), written.held());
		boolean[] ended = flags(ends.stream().map(RunEnd::runId).toList(), written.ended());
		boolean[] flags = Arrays.copyOf(held, held.length + ended.length);
		System.arraycopy(ended, 0, flags, held.length, ended.length);
		return flags;
	}

	@Override
	public int extendLeases(String owner, Collection<String> runIds, Instant leaseUntil) {
		if (runIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.update(sql(Sql.EXTEND_LEASES), time(leaseUntil), time(leaseUntil), owner,
				new SqlArray(runIds));
	}

	@Override
	public int release(String owner, Collection<String> runIds, Instant now) {
		return handBack(Sql.RELEASE, owner, runIds, now);
	}

	@Override
	public int unclaim(String owner, Collection<String> runIds, Instant now) {
		return handBack(Sql.UNCLAIM, owner, runIds, now);
	}

	private int handBack(Sql statement, String owner, Collection<String> runIds, Instant now) {
		if (runIds.isEmpty()) {
			return 0;
		}
		return this.dialect.release(this.jdbc, statement, runIds, time(now), time(now), owner, new SqlArray(runIds));
	}

	@Override
	public Optional<RunInfo> run(String runId) {
		return this.views.run(runId);
	}

	@Override
	public Map<String, RunStatus> statuses(Collection<String> runIds) {
		return this.views.statuses(runIds);
	}

	@Override
	public List<RunInfo> runsForEvent(String eventId) {
		return this.views.runsForEvent(eventId);
	}

	@Override
	public List<RunInfo> runs(RunQuery query) {
		return this.views.runs(query);
	}

	@Override
	public Optional<EventInfo> event(String eventId) {
		return this.views.event(eventId);
	}

	@Override
	public Map<FunctionKey, Map<RunStatus, Long>> countRunsByFunction() {
		return this.functionViews.countRunsByFunction();
	}

	@Override
	public Map<String, Long> countDueRuns(Collection<String> functionIds, Instant now) {
		return this.functionViews.countDueRuns(this.appId, functionIds, now);
	}

	@Override
	public Map<FunctionKey, FunctionInfo.Activity> activity(Collection<FunctionKey> functions, Instant now) {
		return this.functionViews.activity(functions, now);
	}

	@Override
	public Set<FunctionKey> pausedFunctions() {
		return this.functionViews.pausedFunctions();
	}

	@Override
	public Set<String> pausedFunctionIds() {
		return this.pauses.pausedFunctionIds();
	}

	@Override
	public boolean pause(String functionId, Instant now) {
		return this.pauses.pause(functionId, now);
	}

	@Override
	public boolean resume(String functionId, Instant now) {
		return this.pauses.resume(functionId, now);
	}

	@Override
	public List<String> runsOf(String functionId, Set<RunStatus> statuses, Instant from, Instant to, int limit) {
		return this.jdbc.queryForList(sql(Sql.RUNS_OF_FUNCTION), String.class, functionId, statusArray(statuses),
				this.appId, time(from), time(to), limit);
	}

	@Override
	public int countRunsOf(String functionId, Set<RunStatus> statuses, Instant from, Instant to) {
		Integer count = this.jdbc.queryForObject(sql(Sql.COUNT_RUNS_OF_FUNCTION), Integer.class, functionId,
				statusArray(statuses), this.appId, time(from), time(to));
		return (count != null) ? count : 0;
	}

	private static SqlArray statusArray(Set<RunStatus> statuses) {
		return new SqlArray(statuses.stream().map(RunStatus::name).sorted().toList());
	}

	@Override
	public List<ReplayableRun> replayableRuns(String functionId, RunStatus status, Instant from, Instant to,
			@Nullable String runId) {
		return this.jdbc.query(sql(Sql.REPLAYABLE_RUNS),
				(rs, n) -> new ReplayableRun(rs.getString("id"), rs.getString("event_seq"), rs.getString("event_id"),
						Rows.flow(rs)),
				this.appId, functionId, status.name(), time(from), time(to), lowestId(runId), highestId(runId));
	}

	@Override
	public int countReplayableRuns(String functionId, RunStatus status, Instant from, Instant to,
			@Nullable String runId) {
		Integer count = this.jdbc.queryForObject(sql(Sql.COUNT_REPLAYABLE_RUNS), Integer.class, this.appId, functionId,
				status.name(), time(from), time(to), lowestId(runId), highestId(runId));
		return (count != null) ? count : 0;
	}

	private static String lowestId(@Nullable String runId) {
		return (runId != null) ? runId : "";
	}

	private static String highestId(@Nullable String runId) {
		return (runId != null) ? runId : HIGHEST_ID;
	}

	@Override
	public boolean requeueForReplay(String runId, RunStatus status, Instant dueAt) {
		if (this.jdbc.update(sql(Sql.REQUEUE_FOR_REPLAY), time(dueAt), time(dueAt), runId, status.name()) != 1) {
			return false;
		}
		this.jdbc.update(sql(Sql.DELETE_UNFINISHED_STEPS), runId);
		return true;
	}

	@Override
	public Optional<List<String>> replayed(String requestId) {
		return this.jdbc.query(sql(Sql.SELECT_REPLAY), (rs, n) -> rs.getString("run_ids"), requestId)
			.stream()
			.findFirst()
			.map((ids) -> ids.isEmpty() ? List.of() : List.of(ids.split(",")));
	}

	@Override
	public void startReplay(String requestId, String functionId, String mode, Instant at) {
		this.jdbc.update(sql(Sql.INSERT_REPLAY), requestId, functionId, mode, time(at));
	}

	@Override
	public void finishReplay(String requestId, List<String> runIds) {
		this.jdbc.update(sql(Sql.COMPLETE_REPLAY), String.join(",", runIds), requestId);
	}

	@Override
	public List<RegisteredFunction> functions() {
		return this.jdbc.query(sql(Sql.SELECT_FUNCTIONS), Rows.FUNCTION);
	}

	@Override
	public String functionsVersion() {
		return this.dialect.functionsVersion(this.jdbc);
	}

	@Override
	public void registerFunctions(String appId, List<RegisteredFunction> functions) {
		// Instances of one application starting together: without the lock, neither
		// delete sees the rows the other inserts and has not committed yet, so the
		// second insert fails on the first one's keys.
		this.dialect.lockEventNames(this.jdbc, List.of("fanout: functions of " + appId), true);
		this.jdbc.update(sql(Sql.DELETE_FUNCTIONS_OF_APP), appId);
		insertRows(Sql.INSERT_FUNCTIONS, functions, Rows::functionValues);
	}

	@Override
	public void touchFunctions(String appId, Instant now) {
		this.jdbc.update(sql(Sql.TOUCH_FUNCTIONS_OF_APP), time(now), appId);
	}

	@Override
	public void announce(Collection<String> appIds) {
		if (!appIds.isEmpty()) {
			this.dialect.announce(this.jdbc, appIds);
		}
	}

	@Override
	public Listening listen(Runnable onWake) {
		return this.dialect.listen(Objects.requireNonNull(this.jdbc.getDataSource()), this.appId, onWake);
	}

	private String sql(Sql statement) {
		return this.statements.get(statement);
	}

}
