package dev.fanout.store.jdbc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;

import dev.fanout.EventInfo;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.StepStatus;
import dev.fanout.store.StoredStep;

import static dev.fanout.store.jdbc.Rows.time;

/**
 * Runs as the admin API shows them, with their steps: the reads of {@link JdbcRunStore}
 * that no run's execution makes.
 */
final class RunViews {

	private final JdbcOperations jdbc;

	private final Statements statements;

	RunViews(JdbcOperations jdbc, Statements statements) {
		this.jdbc = jdbc;
		this.statements = statements;
	}

	/**
	 * See {@link dev.fanout.store.RunStore#run}.
	 * @param runId the run
	 * @return the run, if it exists
	 */
	Optional<RunInfo> run(String runId) {
		return withSteps(this.jdbc.query(this.statements.get(Sql.SELECT_RUN), Rows.RUN, runId)).stream().findFirst();
	}

	/**
	 * See {@link dev.fanout.store.RunStore#statuses}.
	 * @param runIds the runs
	 * @return the status of each run found, by id
	 */
	Map<String, RunStatus> statuses(Collection<String> runIds) {
		Map<String, RunStatus> statuses = new LinkedHashMap<>();
		if (runIds.isEmpty()) {
			return statuses;
		}
		RowCallbackHandler row = (rs) -> statuses.put(rs.getString("id"), RunStatus.valueOf(rs.getString("status")));
		this.jdbc.query(this.statements.get(Sql.SELECT_RUN_STATUSES), row, new SqlArray(runIds));
		return statuses;
	}

	/**
	 * See {@link dev.fanout.store.RunStore#runsForEvent}.
	 * @param eventId the event
	 * @return the runs it triggered, and those of the batches it is in
	 */
	List<RunInfo> runsForEvent(String eventId) {
		return withSteps(this.jdbc.query(this.statements.get(Sql.SELECT_RUNS_OF_EVENT), Rows.RUN, eventId, eventId));
	}

	/**
	 * See {@link dev.fanout.store.RunStore#event}.
	 * @param eventId the event id
	 * @return the event's first row with the runs of every application it is an event of
	 */
	Optional<EventInfo> event(String eventId) {
		return this.jdbc.query(this.statements.get(Sql.SELECT_EVENT), Rows.EVENT_VIEW, eventId)
			.stream()
			.findFirst()
			.map((event) -> event.apply(runsForEvent(eventId)));
	}

	/**
	 * See {@link dev.fanout.store.RunStore#runs}.
	 * @param query the filters and page
	 * @return the runs, newest first
	 */
	List<RunInfo> runs(RunQuery query) {
		StringBuilder sql = new StringBuilder(this.statements.get(Sql.SELECT_RUNS));
		List<Object> args = new ArrayList<>();
		where(sql, args, " AND app_id = ?", query.applicationId());
		where(sql, args, " AND function_id = ?", query.functionId());
		if (!query.statuses().isEmpty()) {
			sql.append(" AND status = ANY (?)");
			args.add(new SqlArray(query.statuses().stream().map(RunStatus::name).sorted().toList()));
		}
		where(sql, args, " AND created_at >= ?", (query.from() != null) ? time(query.from()) : null);
		where(sql, args, " AND created_at < ?", (query.to() != null) ? time(query.to()) : null);
		if (query.eventId() != null) {
			// A batched run is one of each of its events' runs.
			sql.append(" AND (event_id = ? OR id IN (SELECT run_id FROM fanout_batch_events WHERE event_id = ?))");
			args.add(query.eventId());
			args.add(query.eventId());
		}
		where(sql, args, " AND id < ?", query.cursor());
		sql.append(" ORDER BY id DESC LIMIT ?");
		args.add(query.limit());
		return withSteps(this.jdbc.query(sql.toString(), Rows.RUN, args.toArray()));
	}

	private static void where(StringBuilder sql, List<Object> args, String condition, @Nullable Object value) {
		if (value != null) {
			sql.append(condition);
			args.add(value);
		}
	}

	/**
	 * The runs with their steps: one query for the steps of all, and one more for what
	 * their waiting steps wait for, if any step waits.
	 */
	private List<RunInfo> withSteps(List<Rows.RunRow> runs) {
		if (runs.isEmpty()) {
			return List.of();
		}
		Map<String, List<StoredStep>> stored = new LinkedHashMap<>();
		runs.forEach((run) -> stored.put(run.id(), new ArrayList<>()));
		this.jdbc.query(this.statements.get(Sql.SELECT_STEPS_OF_RUNS),
				(RowCallbackHandler) (rs) -> stored.get(rs.getString("run_id")).add(Rows.STEP.mapRow(rs, 0)),
				new SqlArray(stored.keySet()));
		Map<String, String> waits = waitsFor(stored);
		return runs.stream()
			.map((run) -> run.withSteps()
				.apply(stored.get(run.id())
					.stream()
					.map((step) -> Rows.stepInfo(step,
							(step.status() == StepStatus.WAITING) ? waits.get(waitKey(run.id(), step.key())) : null))
					.toList()))
			.toList();
	}

	/**
	 * What the waiting steps wait for, as {@code <event name>} or
	 * {@code <event name> if <match>}, by {@link #waitKey}.
	 */
	private Map<String, String> waitsFor(Map<String, List<StoredStep>> steps) {
		List<String> waiting = steps.entrySet()
			.stream()
			.filter((run) -> run.getValue().stream().anyMatch((step) -> step.status() == StepStatus.WAITING))
			.map(Map.Entry::getKey)
			.toList();
		Map<String, String> waits = new HashMap<>();
		if (!waiting.isEmpty()) {
			this.jdbc.query(this.statements.get(Sql.WAITS_OF_RUNS), (RowCallbackHandler) (rs) -> {
				String match = rs.getString("match_expr");
				waits.put(waitKey(rs.getString("run_id"), rs.getString("step_key")),
						rs.getString("event_name") + ((match != null) ? " if " + match : ""));
			}, new SqlArray(waiting));
		}
		return waits;
	}

	private static String waitKey(String runId, String stepKey) {
		return runId + "/" + stepKey;
	}

}
