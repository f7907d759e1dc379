package dev.fanout.store.jdbc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.NewEvent;
import dev.fanout.store.NewRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.PendingWait;
import dev.fanout.store.RegisteredFunction;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStep;
import dev.fanout.store.ReplayableRun;
import dev.fanout.store.StoredEvent;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredStep;

import static dev.fanout.store.jdbc.Rows.nullableTime;
import static dev.fanout.store.jdbc.Rows.time;

/**
 * The {@link RunStore} on JDBC, for H2 and PostgreSQL.
 */
public final class JdbcRunStore implements RunStore {

	/**
	 * Rows per multi-row insert, well under PostgreSQL's limit of 32767 bound parameters.
	 */
	private static final int ROWS_PER_INSERT = 500;

	private final JdbcTemplate jdbc;

	private final Statements statements;

	/** The application this store claims runs for. */
	private final String appId;

	private JdbcRunStore(JdbcTemplate jdbc, Statements statements, String appId) {
		this.jdbc = jdbc;
		this.statements = statements;
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
		return new JdbcRunStore(new JdbcTemplate(dataSource), Statements.of(dataSource, tablePrefix), appId);
	}

	@Override
	public AcceptedEvents acceptNewEvents(Collection<String> eventNames, Collection<String> ids, Instant now,
			Instant windowStart) {
		AcceptedEvents accepted = this.statements.lockAndAcceptEventIds(this.jdbc, eventNames, new SqlArray(ids),
				time(now), time(windowStart));
		if (accepted != null) {
			return accepted;
		}
		lockEventNames(eventNames, false);
		Set<String> fresh = new HashSet<>();
		for (String id : ids) {
			if (acceptOne(id, now, windowStart)) {
				fresh.add(id);
			}
		}
		return new AcceptedEvents(fresh, null);
	}

	private boolean acceptOne(String id, Instant now, Instant windowStart) {
		if (this.jdbc.update(sql(Statements.REFRESH_EVENT_ID), time(now), id, time(windowStart)) == 1) {
			return true;
		}
		try {
			return this.jdbc.update(sql(Statements.INSERT_EVENT_ID), id, time(now)) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	@Override
	public void insert(List<NewEvent> events, List<NewRun> runs, List<NewWait> waits) {
		insertRows("fanout_events", Statements.EVENT_COLUMNS, events, JdbcRunStore::eventRow);
		insertRows("fanout_runs", Statements.RUN_COLUMNS, runs, JdbcRunStore::runRow);
		insertRows("fanout_waits", Statements.WAIT_COLUMNS, waits, (
				w) -> new Object[] { w.runId(), w.stepKey(), w.kind(), w.eventName(), w.match(), time(w.expiresAt()) });
	}

	@Override
	public List<PendingWait> insertAndFindWaits(List<NewEvent> events, List<NewRun> runs, List<NewWait> waits,
			Collection<String> eventNames, Instant now) {
		if (eventNames.isEmpty()) {
			insert(events, runs, waits);
			return List.of();
		}
		// Matchers must be in before the look-up that sees them, and a large send takes
		// several inserts per table: those make their inserts first.
		if (!waits.isEmpty() || events.size() > ROWS_PER_INSERT || runs.size() > ROWS_PER_INSERT) {
			insert(events, runs, waits);
			return this.statements.insertAndFindWaits(this.jdbc, List.of(), new SqlArray(eventNames), time(now));
		}
		List<Statements.RowsInsert> inserts = new ArrayList<>();
		if (!events.isEmpty()) {
			inserts.add(rowsInsert("fanout_events", Statements.EVENT_COLUMNS, events, JdbcRunStore::eventRow));
		}
		if (!runs.isEmpty()) {
			inserts.add(rowsInsert("fanout_runs", Statements.RUN_COLUMNS, runs, JdbcRunStore::runRow));
		}
		return this.statements.insertAndFindWaits(this.jdbc, inserts, new SqlArray(eventNames), time(now));
	}

	private static Object[] eventRow(NewEvent event) {
		return new Object[] { event.seq(), event.id(), event.name(), event.data(), event.user(), time(event.ts()),
				event.v(), time(event.receivedAt()), event.duplicate() };
	}

	/**
	 * A new run's values for {@link Statements#RUN_COLUMNS}: queued, or, with a lease
	 * owner, running its first attempt since it was created.
	 */
	private static Object[] runRow(NewRun run) {
		boolean started = run.leaseOwner() != null;
		return new Object[] { run.id(), run.appId(), run.functionId(), run.eventSeq(), run.eventId(),
				(started ? RunStatus.RUNNING : RunStatus.QUEUED).name(), started ? 1 : 0, 0, 0, time(run.dueAt()),
				time(run.createdAt()), false, nullableTime(run.deadlineAt()), run.deadlineReason(), run.parentRunId(),
				run.parentStepKey(), run.leaseOwner(), started ? time(run.createdAt()) : null };
	}

	@Override
	public void lockEventNames(Collection<String> eventNames, boolean exclusive) {
		if (!eventNames.isEmpty()) {
			this.statements.lockEventNames(this.jdbc, eventNames, exclusive);
		}
	}

	@Override
	public List<StoredEvent> eventsSince(String name, Instant since, String afterSeq, int limit) {
		return this.jdbc.query(sql(Statements.EVENTS_SINCE), Rows.EVENT, name, time(since), afterSeq, limit);
	}

	@Override
	public void insertWait(NewWait wait) {
		this.jdbc.update(sql(Statements.INSERT_WAIT), wait.runId(), wait.stepKey(), wait.kind(), wait.eventName(),
				wait.match(), time(wait.expiresAt()));
	}

	@Override
	public void deleteWait(String runId, String stepKey) {
		this.jdbc.update(sql(Statements.DELETE_WAIT), runId, stepKey);
	}

	@Override
	public boolean resolveWaitingStep(String runId, StoredStep step) {
		return this.jdbc.update(sql(Statements.RESOLVE_WAITING_STEP), step.status().name(), step.output(),
				step.outputType(), step.error(), step.errorStack(), nullableTime(step.endedAt()), runId,
				step.key()) == 1;
	}

	@Override
	public boolean wake(String runId, Instant now) {
		return this.jdbc.update(this.statements.wake(), time(now), runId) == 1;
	}

	@Override
	public boolean park(String runId, String owner, RunStatus status, Instant dueAt) {
		return this.jdbc.update(sql(Statements.PARK), status.name(), time(dueAt), runId, owner) == 1;
	}

	@Override
	public Optional<String> cancelRequested(String runId, String owner) {
		return this.jdbc
			.query(sql(Statements.CANCEL_REQUESTED), (rs, n) -> String.valueOf(rs.getString("error")), runId, owner)
			.stream()
			.findFirst();
	}

	@Override
	public Optional<ClaimedRun> cancelParked(String runId, String reason, Instant now) {
		if (this.jdbc.update(this.statements.cancelParked(), reason, time(now), runId) == 0) {
			return Optional.empty();
		}
		this.jdbc.update(sql(Statements.DELETE_WAITS_OF_RUNS), new SqlArray(List.of(runId)));
		return this.jdbc.query(sql(Statements.SELECT_RUN_WITH_EVENT), Rows.CLAIMED_RUN, runId).stream().findFirst();
	}

	@Override
	public boolean requestCancel(String runId, String reason) {
		return this.jdbc.update(sql(Statements.REQUEST_CANCEL), reason, runId) == 1;
	}

	@Override
	public List<Map.Entry<String, String>> overdue(Instant now, int limit) {
		return this.jdbc.query(sql(Statements.OVERDUE),
				(rs, n) -> Map.entry(rs.getString("id"), rs.getString("deadline_reason")), time(now), limit);
	}

	@Override
	public void setDeadline(String runId, @Nullable Instant deadlineAt, @Nullable String reason) {
		this.jdbc.update(sql(Statements.SET_DEADLINE), nullableTime(deadlineAt), reason, runId);
	}

	@Override
	public Optional<Instant> nextDue(Collection<String> functionIds) {
		if (functionIds.isEmpty()) {
			return Optional.empty();
		}
		return this.statements.nextDue(this.jdbc, this.appId, new SqlArray(functionIds)).map(OffsetDateTime::toInstant);
	}

	private <T> void insertRows(String table, String columns, List<T> rows, Function<T, Object[]> values) {
		for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
			Statements.RowsInsert insert = rowsInsert(table, columns,
					rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT)), values);
			this.jdbc.update(sql(insert.sql()), insert.args().toArray());
		}
	}

	private static <T> Statements.RowsInsert rowsInsert(String table, String columns, List<T> rows,
			Function<T, Object[]> values) {
		int width = columns.split(",").length;
		String row = "(" + "?, ".repeat(width - 1) + "?)";
		String sql = "INSERT INTO " + table + " (" + columns + ") VALUES " + Statements.rows(row, rows.size());
		return new Statements.RowsInsert(sql, Statements.rowValues(rows, values));
	}

	@Override
	public List<ClaimedRun> claim(String owner, Collection<String> functionIds, int limit, Instant now,
			Instant leaseUntil) {
		if (functionIds.isEmpty() || limit <= 0) {
			return List.of();
		}
		return this.statements.claim(this.jdbc, this.appId, new SqlArray(functionIds), limit, owner, time(now),
				time(leaseUntil));
	}

	@Override
	public List<StoredStep> steps(String runId) {
		return this.jdbc.query(sql(Statements.SELECT_STEPS), Rows.STEP, runId);
	}

	@Override
	public boolean[] saveSteps(String owner, List<RunStep> steps) {
		return flags(steps.stream().map(RunStep::runId).toList(),
				this.statements.saveHeldSteps(this.jdbc, owner, steps));
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
		if (this.jdbc.update(sql(Statements.HOLD_CANCELLING), runId, owner) != 1) {
			return false;
		}
		this.statements.saveSteps(this.jdbc, List.of(new RunStep(runId, step)));
		return true;
	}

	@Override
	public boolean requeue(String runId, String owner, Instant dueAt, int failures, int retryAttempt,
			@Nullable String error) {
		return this.jdbc.update(sql(Statements.REQUEUE), time(dueAt), failures, retryAttempt, error, runId, owner) == 1;
	}

	@Override
	public boolean[] finish(String owner, List<RunEnd> ends) {
		return flags(ends.stream().map(RunEnd::runId).toList(), this.statements.finish(this.jdbc, owner, ends));
	}

	@Override
	public int extendLeases(String owner, Collection<String> runIds, Instant leaseUntil) {
		if (runIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.update(sql(Statements.EXTEND_LEASES), time(leaseUntil), owner, new SqlArray(runIds));
	}

	@Override
	public int release(String owner, Collection<String> runIds, Instant now) {
		return handBack(Statements.RELEASE, owner, runIds, now);
	}

	@Override
	public int unclaim(String owner, Collection<String> runIds, Instant now) {
		return handBack(Statements.UNCLAIM, owner, runIds, now);
	}

	private int handBack(String statement, String owner, Collection<String> runIds, Instant now) {
		if (runIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.update(sql(statement), time(now), owner, new SqlArray(runIds));
	}

	@Override
	public Optional<RunInfo> run(String runId) {
		return withSteps(this.jdbc.query(sql(Statements.SELECT_RUN), Rows.RUN, runId)).stream().findFirst();
	}

	@Override
	public List<RunInfo> runsForEvent(String eventId) {
		return withSteps(this.jdbc.query(sql(Statements.SELECT_RUNS_OF_EVENT), Rows.RUN, eventId));
	}

	@Override
	public List<RunInfo> runs(RunQuery query) {
		StringBuilder sql = new StringBuilder(Statements.SELECT_RUNS);
		List<Object> args = new ArrayList<>();
		where(sql, args, " AND function_id = ?", query.functionId());
		if (!query.statuses().isEmpty()) {
			sql.append(" AND status = ANY (?)");
			args.add(new SqlArray(query.statuses().stream().map(RunStatus::name).sorted().toList()));
		}
		where(sql, args, " AND created_at >= ?", (query.from() != null) ? time(query.from()) : null);
		where(sql, args, " AND created_at < ?", (query.to() != null) ? time(query.to()) : null);
		where(sql, args, " AND event_id = ?", query.eventId());
		where(sql, args, " AND id < ?", query.cursor());
		sql.append(" ORDER BY id DESC LIMIT ?");
		args.add(query.limit());
		return withSteps(this.jdbc.query(sql(sql.toString()), Rows.RUN, args.toArray()));
	}

	private static void where(StringBuilder sql, List<Object> args, String condition, @Nullable Object value) {
		if (value != null) {
			sql.append(condition);
			args.add(value);
		}
	}

	@Override
	public Map<String, Map<RunStatus, Long>> countRunsByFunction() {
		Map<String, Map<RunStatus, Long>> counts = new LinkedHashMap<>();
		this.jdbc.query(sql(Statements.COUNT_RUNS_BY_FUNCTION),
				(RowCallbackHandler) (rs) -> counts
					.computeIfAbsent(rs.getString("function_id"), (id) -> new EnumMap<>(RunStatus.class))
					.put(RunStatus.valueOf(rs.getString("status")), rs.getLong("runs")),
				this.appId);
		return counts;
	}

	@Override
	public List<ReplayableRun> replayableRuns(String functionId, RunStatus status, Instant from, Instant to) {
		return this.jdbc.query(sql(Statements.REPLAYABLE_RUNS),
				(rs, n) -> new ReplayableRun(rs.getString("id"), rs.getString("event_seq"), rs.getString("event_id")),
				this.appId, functionId, status.name(), time(from), time(to));
	}

	@Override
	public boolean requeueForReplay(String runId, RunStatus status, Instant dueAt) {
		if (this.jdbc.update(sql(Statements.REQUEUE_FOR_REPLAY), time(dueAt), runId, status.name()) != 1) {
			return false;
		}
		this.jdbc.update(sql(Statements.DELETE_UNFINISHED_STEPS), runId);
		return true;
	}

	@Override
	public Optional<List<String>> replayed(String requestId) {
		return this.jdbc.query(sql(Statements.SELECT_REPLAY), (rs, n) -> rs.getString("run_ids"), requestId)
			.stream()
			.findFirst()
			.map((ids) -> ids.isEmpty() ? List.of() : List.of(ids.split(",")));
	}

	@Override
	public void startReplay(String requestId, String functionId, String mode, Instant at) {
		this.jdbc.update(sql(Statements.INSERT_REPLAY), requestId, functionId, mode, time(at));
	}

	@Override
	public void finishReplay(String requestId, List<String> runIds) {
		this.jdbc.update(sql(Statements.COMPLETE_REPLAY), String.join(",", runIds), requestId);
	}

	private List<RunInfo> withSteps(List<Rows.RunRow> runs) {
		if (runs.isEmpty()) {
			return List.of();
		}
		Map<String, List<StepInfo>> steps = new LinkedHashMap<>();
		runs.forEach((run) -> steps.put(run.id(), new ArrayList<>()));
		this.jdbc.query(sql(Statements.SELECT_STEPS_OF_RUNS), (rs) -> {
			StoredStep step = Rows.STEP.mapRow(rs, 0);
			steps.get(rs.getString("run_id"))
				.add(new StepInfo(step.key(), step.status(), step.output(), step.error(), step.attempts(),
						step.startedAt(), step.endedAt()));
		}, new SqlArray(steps.keySet()));
		return runs.stream()
			.map((r) -> new RunInfo(r.id(), r.functionId(), r.eventId(), r.status(), r.attempts(), r.output(),
					r.error(), r.createdAt(), r.startedAt(), r.endedAt(), steps.get(r.id())))
			.toList();
	}

	private String sql(String statement) {
		return this.statements.sql(statement);
	}

	@Override
	public List<RegisteredFunction> functions() {
		return this.jdbc.query(sql(Statements.SELECT_FUNCTIONS), Rows.FUNCTION);
	}

	@Override
	public String functionsVersion() {
		return this.statements.functionsVersion(this.jdbc);
	}

	@Override
	public void registerFunctions(String appId, List<RegisteredFunction> functions) {
		// Instances of one application starting together: without the lock, neither
		// delete sees the rows the other inserts and has not committed yet, so the
		// second insert fails on the first one's keys.
		this.statements.lockEventNames(this.jdbc, List.of("fanout: functions of " + appId), true);
		this.jdbc.update(sql(Statements.DELETE_FUNCTIONS_OF_APP), appId);
		insertRows("fanout_functions", Statements.FUNCTION_COLUMNS, functions,
				(f) -> new Object[] { f.appId(), f.functionId(), f.name(), f.triggers(), f.filter(), f.cancelOn(),
						f.startTimeoutMillis(), time(f.registeredAt()), time(f.lastSeen()) });
	}

	@Override
	public void touchFunctions(String appId, Instant now) {
		this.jdbc.update(sql(Statements.TOUCH_FUNCTIONS_OF_APP), time(now), appId);
	}

	@Override
	public void announce(Collection<String> appIds) {
		if (!appIds.isEmpty()) {
			this.statements.announce(this.jdbc, appIds);
		}
	}

	@Override
	public AutoCloseable listen(Runnable onWake) {
		return this.statements.listen(java.util.Objects.requireNonNull(this.jdbc.getDataSource()), this.appId, onWake);
	}

}
