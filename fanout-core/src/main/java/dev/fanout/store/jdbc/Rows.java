package dev.fanout.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;

import dev.fanout.EventInfo;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.store.BatchEvent;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.FlowState;
import dev.fanout.store.GateOpening;
import dev.fanout.store.NewEvent;
import dev.fanout.store.NewRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.PendingWait;
import dev.fanout.store.RegisteredFunction;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunFlow;
import dev.fanout.store.RunStep;
import dev.fanout.store.StoredEvent;
import dev.fanout.store.StoredStep;

/**
 * The one place that maps records to columns and back: row mappers, the values of rows to
 * write, and time conversions.
 */
final class Rows {

	static final RowMapper<StoredEvent> EVENT = (rs, n) -> event(rs, "id", null);

	/**
	 * Claimed runs in the order of the ids they were taken by: an update reads its rows
	 * back in no particular order, and runs claimed ahead start in the order they are
	 * given.
	 */
	static List<ClaimedRun> inOrderOf(List<String> ids, List<ClaimedRun> runs) {
		Map<String, Integer> positions = new HashMap<>();
		for (int i = 0; i < ids.size(); i++) {
			positions.putIfAbsent(ids.get(i), i);
		}
		return runs.stream()
			.sorted(Comparator.comparingInt((ClaimedRun run) -> positions.getOrDefault(run.id(), Integer.MAX_VALUE)))
			.toList();
	}

	/** Reads {@link Sql.Columns#RUN_WITH_EVENT}. */
	static final RowMapper<ClaimedRun> CLAIMED_RUN = (rs, n) -> new ClaimedRun(rs.getString("id"),
			rs.getString("function_id"), rs.getInt("attempts"), rs.getInt("failures"), rs.getInt("retry_attempt"),
			rs.getInt("idle_claims"), nullableInstant(rs, "started_at"), rs.getBoolean("cancel_requested"),
			rs.getString("parent_run_id"), rs.getString("parent_step_key"),
			event(rs, "event_id", rs.getString("trace_context")), instant(rs, "due_at"));

	static final RowMapper<PendingWait> PENDING_WAIT = (rs,
			n) -> new PendingWait(new NewWait(rs.getString("run_id"), rs.getString("step_key"), rs.getString("kind"),
					rs.getString("event_name"), rs.getString("match_expr"), instant(rs, "expires_at"),
					rs.getString("match_on"), rs.getString("match_key")), CLAIMED_RUN.mapRow(rs, n));

	static final RowMapper<RegisteredFunction> FUNCTION = (rs, n) -> new RegisteredFunction(rs.getString("app_id"),
			rs.getString("function_id"), rs.getString("name"), rs.getString("triggers"), rs.getString("filter_expr"),
			rs.getString("cancel_on"), (Long) rs.getObject("start_timeout_ms", Long.class),
			rs.getString("flow_control"), instant(rs, "registered_at"), instant(rs, "last_seen"),
			(Integer) rs.getObject("retries", Integer.class));

	static final RowMapper<FlowState> FLOW_STATE = (rs, n) -> new FlowState(rs.getString("state_key"),
			nullableInstant(rs, "at"), rs.getString("run_id"), rs.getInt("size"));

	static final RowMapper<StoredStep> STEP = (rs, n) -> new StoredStep(rs.getString("step_key"), rs.getInt("position"),
			StepStatus.valueOf(rs.getString("status")), rs.getString("output"), rs.getString("output_type"),
			rs.getString("error"), rs.getString("error_stack"), rs.getInt("attempts"), nullableInstant(rs, "wake_at"),
			instant(rs, "started_at"), nullableInstant(rs, "ended_at"));

	/** Reads {@link Sql.Columns#RUN_VIEW}. */
	static final RowMapper<RunRow> RUN = (rs, n) -> {
		String id = rs.getString("id");
		String functionId = rs.getString("function_id");
		String eventId = rs.getString("event_id");
		RunStatus status = RunStatus.valueOf(rs.getString("status"));
		int attempts = rs.getInt("attempts");
		String output = rs.getString("output");
		String error = rs.getString("error");
		Instant createdAt = instant(rs, "created_at");
		Instant startedAt = nullableInstant(rs, "started_at");
		Instant endedAt = nullableInstant(rs, "ended_at");
		String errorStack = rs.getString("error_stack");
		String appId = rs.getString("app_id");
		String eventName = rs.getString("event_name");
		return new RunRow(id, (steps) -> new RunInfo(id, functionId, eventId, status, attempts, output, error,
				createdAt, startedAt, endedAt, steps, errorStack, appId, eventName));
	};

	/** Reads {@link Sql#SELECT_EVENT}: the event, given its runs. */
	static final RowMapper<Function<List<RunInfo>, EventInfo>> EVENT_VIEW = (rs, n) -> {
		String id = rs.getString("id");
		String name = rs.getString("name");
		String data = rs.getString("data");
		String user = rs.getString("user_data");
		Instant ts = instant(rs, "ts");
		Instant receivedAt = instant(rs, "received_at");
		boolean duplicate = rs.getBoolean("duplicate");
		return (runs) -> new EventInfo(id, name, data, user, ts, receivedAt, duplicate, runs);
	};

	/**
	 * A stored step as the admin API shows it.
	 * @param step the step
	 * @param waitsFor what it waits for, if it is waiting for an event
	 * @return the step's view
	 */
	static StepInfo stepInfo(StoredStep step, @Nullable String waitsFor) {
		return new StepInfo(step.key(), step.status(), step.output(), step.error(), step.attempts(), step.startedAt(),
				step.endedAt(), step.errorStack(), step.wakeAt(), waitsFor);
	}

	private Rows() {
	}

	/**
	 * An event's columns; a query that also reads a run names the event's id apart.
	 */
	private static StoredEvent event(ResultSet rs, String idColumn, @Nullable String traceContext) throws SQLException {
		return new StoredEvent(rs.getString("seq"), rs.getString(idColumn), rs.getString("name"), rs.getString("data"),
				rs.getString("user_data"), instant(rs, "ts"), rs.getString("v"), traceContext);
	}

	/** The SQL types of {@link #eventValues}, in order, for events given as arrays. */
	static final List<String> EVENT_TYPES = List.of("varchar", "varchar", "varchar", "text", "text", "timestamptz",
			"varchar", "timestamptz", "boolean", "text");

	/** The SQL types of {@link #runValues}, in order, for runs given as arrays. */
	static final List<String> RUN_TYPES = List.of("varchar", "varchar", "varchar", "varchar", "varchar", "varchar",
			"integer", "integer", "integer", "timestamptz", "timestamptz", "boolean", "timestamptz", "varchar",
			"varchar", "varchar", "varchar", "timestamptz", "integer", "timestamptz", "integer", "timestamptz",
			"varchar", "varchar", "varchar", "varchar", "varchar");

	/**
	 * The values of {@link Sql#INSERT_EVENTS} for an event.
	 * @param row the event row
	 * @return the values, in order
	 */
	static Object[] eventValues(NewEvent row) {
		StoredEvent event = row.event();
		return new Object[] { event.seq(), event.id(), event.name(), event.data(), event.user(), time(event.ts()),
				event.v(), time(row.receivedAt()), false, event.traceContext() };
	}

	/**
	 * The values of {@link Sql#INSERT_RUNS} for a new run: queued, or, with a lease
	 * owner, running its first attempt since it was created.
	 * @param run the run
	 * @return the values, in order
	 */
	static Object[] runValues(NewRun run) {
		boolean started = run.leaseOwner() != null;
		RunFlow flow = run.flow();
		return new Object[] { run.id(), run.appId(), run.functionId(), run.eventSeq(), run.eventId(),
				(started ? RunStatus.RUNNING : RunStatus.QUEUED).name(), started ? 1 : 0, 0, 0, time(run.dueAt()),
				time(run.createdAt()), false, nullableTime(run.deadlineAt()), run.deadlineReason(), run.parentRunId(),
				run.parentStepKey(), run.leaseOwner(), started ? time(run.createdAt()) : null, started ? 1 : 0,
				started ? time(run.createdAt()) : null, flow.priority(),
				started ? time(run.dueAt()) : rankAt(run.dueAt(), flow.priority()), flow.gate(), flow.slot1(),
				flow.slot2(), flow.throttle(), flow.singleton() };
	}

	/**
	 * A run's flow, from its columns.
	 * @param rs a row with the run's flow columns
	 * @return the flow
	 * @throws SQLException if a column cannot be read
	 */
	static RunFlow flow(ResultSet rs) throws SQLException {
		return new RunFlow(rs.getInt("priority"), rs.getString("slot1"), rs.getString("slot2"),
				rs.getString("throttle_key"), rs.getString("singleton_key"));
	}

	/**
	 * The values of a gate new runs wait behind: key, application, function, due time.
	 * @param opening the gate
	 * @return the values, in order
	 */
	static Object[] gateValues(GateOpening opening) {
		return new Object[] { opening.key(), opening.appId(), opening.functionId(), time(opening.due()) };
	}

	/**
	 * The values of {@link Sql#SAVE_FLOW_STATE} for a state.
	 * @param state the state
	 * @return the values, in order
	 */
	static Object[] flowStateValues(FlowState state) {
		return new Object[] { nullableTime(state.at()), state.runId(), state.size(), state.key() };
	}

	/**
	 * The values of {@link Sql#INSERT_BATCH_EVENTS} for a batch's event.
	 * @param event the event of the batch
	 * @return the values, in order
	 */
	static Object[] batchEventValues(BatchEvent event) {
		return new Object[] { event.runId(), event.position(), event.eventSeq(), event.eventId() };
	}

	/**
	 * The time a run is ranked at by the claim: its due time, less its priority.
	 * @param dueAt when it is due
	 * @param priority its priority, in seconds
	 * @return the rank time
	 */
	static OffsetDateTime rankAt(Instant dueAt, int priority) {
		return time(dueAt.minusSeconds(priority));
	}

	/**
	 * The values of {@link Sql#INSERT_WAIT} for a matcher.
	 * @param wait the matcher
	 * @return the values, in order
	 */
	static Object[] waitValues(NewWait wait) {
		return new Object[] { wait.runId(), wait.stepKey(), wait.kind(), wait.eventName(), wait.match(),
				time(wait.expiresAt()), wait.matchOn(), wait.matchKey() };
	}

	/**
	 * The values of {@link Sql#INSERT_FUNCTIONS} for a function.
	 * @param function the function
	 * @return the values, in order
	 */
	static Object[] functionValues(RegisteredFunction function) {
		return new Object[] { function.appId(), function.functionId(), function.name(), function.triggers(),
				function.filter(), function.cancelOn(), function.startTimeoutMillis(), function.flowControl(),
				time(function.registeredAt()), time(function.lastSeen()), function.retries() };
	}

	/** The SQL types of {@link #stepValues}, in order, for steps given as arrays. */
	static final List<String> STEP_TYPES = List.of("varchar", "varchar", "integer", "varchar", "text", "varchar",
			"text", "text", "integer", "timestamptz", "timestamptz", "timestamptz");

	/**
	 * The values of {@link Sql#INSERT_STEP} for a step.
	 * @param s the step and its run
	 * @return the values, in order
	 */
	static Object[] stepValues(RunStep s) {
		StoredStep step = s.step();
		return new Object[] { s.runId(), step.key(), step.position(), step.status().name(), step.output(),
				step.outputType(), step.error(), step.errorStack(), step.attempts(), nullableTime(step.wakeAt()),
				time(step.startedAt()), nullableTime(step.endedAt()) };
	}

	/** The SQL types of {@link #endValues}, in order, for ends given as arrays. */
	static final List<String> END_TYPES = List.of("varchar", "text", "text", "text", "timestamptz", "varchar");

	/**
	 * The parameters of {@link Sql#FINISH} for an end, all but the owner.
	 * @param end the end
	 * @return the values, in order
	 */
	static Object[] endValues(RunEnd end) {
		return new Object[] { end.status().name(), end.output(), end.error(), end.errorStack(), time(end.endedAt()),
				end.runId() };
	}

	static OffsetDateTime time(Instant instant) {
		// Not Instant.atOffset, which builds the offset's rules anew on every call.
		return OffsetDateTime.of(
				LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC),
				ZoneOffset.UTC);
	}

	static @Nullable OffsetDateTime nullableTime(@Nullable Instant instant) {
		return (instant != null) ? time(instant) : null;
	}

	static Instant instant(ResultSet rs, String column) throws SQLException {
		Instant instant = nullableInstant(rs, column);
		if (instant == null) {
			throw new SQLException("Column " + column + " is null");
		}
		return instant;
	}

	static @Nullable Instant nullableInstant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
		return (time != null) ? time.toInstant() : null;
	}

	/**
	 * A run row before its steps are read: its id, and the run it makes with them.
	 *
	 * @param id the run id
	 * @param withSteps the run as the API shows it, given its steps
	 */
	record RunRow(String id, Function<List<StepInfo>, RunInfo> withSteps) {
	}

}
