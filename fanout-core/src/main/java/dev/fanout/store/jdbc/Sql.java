package dev.fanout.store.jdbc;

/**
 * The catalogue of the SQL both databases run, each statement written for the default
 * {@code fanout_} prefix and rendered once per store by {@link Statements}. What only one
 * database runs is in its {@link Dialect}. Parameters are always bound.
 * <p>
 * A run has a lease owner exactly while it is {@code RUNNING}: the claim sets both, every
 * change of status away from {@code RUNNING} clears the owner, and the schema's
 * {@code fanout_runs_lease_check} refuses anything else. So a write fenced by
 * {@code lease_owner = ?} needs no condition on the status, and has none, because on
 * PostgreSQL such a condition implies the predicate of the partial rank index: when the
 * statistics were taken while no run was active (a quiet queue, then a burst), the
 * planner believes that index empty and scans all of it for each row, instead of the
 * primary key ({@code PlannerTrapTests}).
 */
enum Sql {

	SELECT_RUN_WITH_EVENT("SELECT " + Columns.RUN_WITH_EVENT
			+ " FROM fanout_runs r JOIN fanout_events e ON e.seq = r.event_seq WHERE r.id = ?"),

	/**
	 * The matchers an event of these names may match that are found by no key, with their
	 * runs' triggers; then, as rows of kind {@code p}, the paths of those found by key,
	 * for the send to look those up by its events' values.
	 */
	PENDING_WAITS("SELECT 'w' AS row_kind, " + Columns.PENDING_WAIT + """
			FROM fanout_waits w
			JOIN fanout_runs r ON r.id = w.run_id
			JOIN fanout_events e ON e.seq = r.event_seq
			WHERE w.event_name = ANY (?) AND w.match_on IS NULL AND w.expires_at > ?
			UNION ALL
			SELECT 'p', NULL, NULL, NULL, k.event_name, NULL, NULL, k.match_on, NULL,
				NULL, NULL, 0, 0, 0, 0, NULL, FALSE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				NULL, NULL
			FROM (
				SELECT DISTINCT event_name, match_on FROM fanout_waits
				WHERE event_name = ANY (?) AND match_on IS NOT NULL
			) AS k
			ORDER BY 1, 2, 3
			"""),

	/** The matchers found by key for the given (event name, path, key) triples. */
	KEYED_WAITS("SELECT " + Columns.PENDING_WAIT + """
			FROM fanout_waits w
			JOIN unnest(?, ?, ?) AS k (event_name, match_on, match_key)
				ON w.event_name = k.event_name AND w.match_on = k.match_on AND w.match_key = k.match_key
			JOIN fanout_runs r ON r.id = w.run_id
			JOIN fanout_events e ON e.seq = r.event_seq
			WHERE w.expires_at > ?
			ORDER BY w.run_id, w.step_key
			"""),

	/**
	 * A page of a name's events after a position, in the order of the name's index (the
	 * name is in the order so that H2 reads it from the index too), so that a page reads
	 * its own rows, not all those after it.
	 */
	EVENTS_AFTER("""
			SELECT seq, id, name, data, user_data, ts, v, received_at FROM fanout_events
			WHERE name = ? AND (received_at, seq) > (?, ?) AND duplicate = FALSE
			ORDER BY name, received_at, seq
			LIMIT ?
			"""),

	/** The start of a multi-row insert of events, up to its column list. */
	INSERT_EVENTS("INSERT INTO fanout_events (seq, id, name, data, user_data, ts, v, received_at, duplicate, "
			+ "trace_context)"),

	/** The start of a multi-row insert of runs, up to its column list. */
	INSERT_RUNS("INSERT INTO fanout_runs (id, app_id, function_id, event_seq, event_id, status, attempts, failures, "
			+ "retry_attempt, due_at, created_at, cancel_requested, deadline_at, deadline_reason, parent_run_id, "
			+ "parent_step_key, lease_owner, started_at, idle_claims, claimed_at, priority, rank_at, gate, slot1, slot2, "
			+ "throttle_key, singleton_key)"),

	/*
	 * The controls a send decides: their state rows, locked by the send (see
	 * FlowStateStore), and the changes they make to runs and batches.
	 */

	/**
	 * Creates a key's state row unless it exists. PostgreSQL runs
	 * {@link PostgresDialect#UPSERT_FLOW_STATES} in place of this and
	 * {@link #LOCK_FLOW_STATES}; elsewhere a row inserted meanwhile raises a
	 * {@link org.springframework.dao.DuplicateKeyException}.
	 */
	INSERT_FLOW_STATE("""
			INSERT INTO fanout_flow_state (state_key, size)
			SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM fanout_flow_state WHERE state_key = ?)
			"""),

	/** Locked in key order, whoever locks them. */
	LOCK_FLOW_STATES("""
			SELECT state_key, at, run_id, size FROM fanout_flow_state
			WHERE state_key = ANY (?)
			ORDER BY state_key
			FOR UPDATE
			"""),

	SAVE_FLOW_STATE("UPDATE fanout_flow_state SET at = ?, run_id = ?, size = ? WHERE state_key = ?"),

	UNFINISHED_SINGLETON_RUNS("""
			SELECT id FROM fanout_runs
			WHERE function_id = ? AND singleton_key = ? AND status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING')
			ORDER BY id
			"""),

	/**
	 * Found by its key alone, whether it is open read from the row once locked (see the
	 * class comment): a claim holding it is waited for, and its outcome then read.
	 */
	LOCK_RUN("""
			SELECT id, status, attempts, event_seq, event_id, priority, slot1, slot2, throttle_key, singleton_key
			FROM fanout_runs WHERE id = ? FOR UPDATE
			"""),

	RETRIGGER("""
			UPDATE fanout_runs SET event_seq = ?, event_id = ?, priority = ?, due_at = ?, rank_at = ?, gate = ?,
			slot1 = ?, slot2 = ?, throttle_key = ?, singleton_key = ?
			WHERE id = ?
			"""),

	/** The start of a multi-row insert of batch events, up to its column list. */
	INSERT_BATCH_EVENTS("INSERT INTO fanout_batch_events (run_id, position, event_seq, event_id)"),

	SELECT_BATCH_EVENTS("""
			SELECT e.seq, e.id, e.name, e.data, e.user_data, e.ts, e.v
			FROM fanout_batch_events b JOIN fanout_events e ON e.seq = b.event_seq
			WHERE b.run_id = ?
			ORDER BY b.position
			"""),

	/** A fresh replay of a batched run gets the same batch. */
	COPY_BATCH_EVENTS("""
			INSERT INTO fanout_batch_events (run_id, position, event_seq, event_id)
			SELECT ?, position, event_seq, event_id FROM fanout_batch_events WHERE run_id = ?
			"""),

	/** The start of a multi-row insert of matchers, up to its column list. */
	INSERT_WAITS("INSERT INTO fanout_waits (" + Columns.WAITS + ")"),

	INSERT_WAIT("INSERT INTO fanout_waits (" + Columns.WAITS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),

	DELETE_WAIT("DELETE FROM fanout_waits WHERE run_id = ? AND kind = 'event' AND step_key = ?"),

	RESOLVE_WAITING_STEP("""
			UPDATE fanout_steps
			SET status = ?, output = ?, output_type = ?, error = ?, error_stack = ?, ended_at = ?
			WHERE run_id = ? AND step_key = ? AND status = 'WAITING'
			"""),

	/** PostgreSQL runs {@link PostgresDialect#WAKE_BY_KEY} in its place. */
	WAKE("UPDATE fanout_runs SET status = 'QUEUED', " + Columns.DUE + """

			WHERE id = ? AND status IN ('SLEEPING', 'WAITING')
			"""),

	/** Frees the run's slots: see {@link Dialect#release}. */
	PARK("UPDATE fanout_runs SET status = ?, " + Columns.DUE + """
			, lease_owner = NULL, idle_claims = 0
			WHERE id = ? AND lease_owner = ? AND cancel_requested = FALSE
			"""),

	CANCEL_REQUESTED("""
			SELECT error FROM fanout_runs
			WHERE id = ? AND lease_owner = ? AND cancel_requested = TRUE
			"""),

	/** PostgreSQL runs {@link PostgresDialect#CANCEL_PARKED_BY_KEY} in its place. */
	CANCEL_PARKED("""
			UPDATE fanout_runs SET status = 'CANCELLED', lease_owner = NULL, error = ?, ended_at = ?
			WHERE id = ? AND status IN ('QUEUED', 'SLEEPING', 'WAITING')
			"""),

	REQUEST_CANCEL("""
			UPDATE fanout_runs SET cancel_requested = TRUE, error = ?
			WHERE id = ? AND lease_owner IS NOT NULL AND cancel_requested = FALSE
			"""),

	SET_DEADLINE("UPDATE fanout_runs SET deadline_at = ?, deadline_reason = ? WHERE id = ?"),

	/**
	 * The runs past their deadlines, but those of paused functions that are not running:
	 * nothing happens to those while their function is paused.
	 */
	OVERDUE("""
			SELECT id, deadline_reason FROM fanout_runs
			WHERE deadline_at <= ? AND status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING') AND cancel_requested = FALSE
				AND (status = 'RUNNING' OR %s)
			ORDER BY deadline_at
			LIMIT ?
			"""
		.formatted(Columns.notPaused("fanout_runs"))),

	/**
	 * When a claim may next take a run of these functions: the earliest due time of the
	 * runs within a priority's reach of the rank order's front; or, beyond, the earliest
	 * rank less the longest priority, which is no later than any run's due time (read
	 * from the index, where a due time would take a scan); or the earliest gate, a global
	 * one only for a run of these functions behind it. Runs and gates of paused functions
	 * are left out: nothing starts them. Its parameters are the reach, the application
	 * and the functions, the reach again, then twice the application and the functions.
	 */
	NEXT_DUE("""
			SELECT MIN(t) AS next_due FROM (
				SELECT MIN(due_at) AS t FROM fanout_runs
				WHERE status IN ('QUEUED', 'SLEEPING', 'WAITING') AND gate IS NULL AND rank_at <= ?
					AND app_id = ? AND function_id = ANY (?) AND %1$s
				UNION ALL
				SELECT MIN(rank_at) - INTERVAL '600' SECOND FROM fanout_runs
				WHERE status IN ('QUEUED', 'SLEEPING', 'WAITING') AND gate IS NULL AND rank_at > ?
					AND app_id = ? AND function_id = ANY (?) AND %1$s
				UNION ALL
				%2$s) AS due
			""".formatted(Columns.notPaused("fanout_runs"), Columns.GATES_DUE)),

	/** The gates' part of {@link #NEXT_DUE}, which H2 runs apart. */
	NEXT_DUE_OF_GATES("SELECT MIN(t) FROM (" + Columns.GATES_DUE + ") AS due"),

	/**
	 * Locks, rather than updates, the rows: a new row version would also mean new entries
	 * in every index of the table, for each step (the heartbeat keeps the leases).
	 * Whether the owner holds each run is read, not filtered on (see the class comment).
	 */
	LOCK_RUNS("""
			SELECT id, lease_owner, status, cancel_requested FROM fanout_runs WHERE id = ANY (?) ORDER BY id FOR UPDATE
			"""),

	HOLD_CANCELLING("""
			UPDATE fanout_runs SET due_at = due_at
			WHERE id = ? AND lease_owner = ? AND cancel_requested = TRUE
			"""),

	/**
	 * Rows a commit is writing are skipped: that write extends their lease itself, and
	 * waiting for it while holding other rows could deadlock with it.
	 */
	EXTEND_LEASES("""
			UPDATE fanout_runs SET due_at = ?, rank_at = ?
			WHERE id IN (
				SELECT id FROM fanout_runs
				WHERE lease_owner = ? AND id = ANY (?)
				ORDER BY id
				FOR UPDATE SKIP LOCKED
			)
			"""),

	/** Frees the runs' slots: see {@link Dialect#release}. */
	RELEASE("UPDATE fanout_runs SET status = 'QUEUED', lease_owner = NULL, " + Columns.DUE + """

			WHERE lease_owner = ? AND id = ANY (?)
			"""),

	/**
	 * {@link #RELEASE} for runs claimed and never started: the claim's attempt is taken
	 * back, and so is its start time when it was the run's first (the condition reads the
	 * attempts before this update).
	 */
	UNCLAIM("UPDATE fanout_runs SET status = 'QUEUED', lease_owner = NULL, " + Columns.DUE + """
			, attempts = attempts - 1,
				started_at = CASE WHEN attempts = 1 THEN NULL ELSE started_at END,
				idle_claims = GREATEST(idle_claims - 1, 0)
			WHERE lease_owner = ? AND id = ANY (?)
			"""),

	/** Frees the run's slots: see {@link Dialect#release}. */
	REQUEUE("UPDATE fanout_runs SET status = 'QUEUED', lease_owner = NULL, " + Columns.DUE + """
			, failures = ?, retry_attempt = ?, error = ?, idle_claims = 0
			WHERE id = ? AND lease_owner = ? AND cancel_requested = FALSE
			"""),

	/**
	 * Its parameters are {@link Rows#endValues}, then the owner. Frees the run's slots:
	 * see {@link Dialect#release}.
	 */
	FINISH("""
			UPDATE fanout_runs
			SET status = ?, lease_owner = NULL, output = ?, error = ?, error_stack = ?, ended_at = ?
			WHERE id = ? AND lease_owner = ?
			"""),

	SELECT_STEPS(
			"""
					SELECT step_key, position, status, output, output_type, error, error_stack, attempts, wake_at, started_at, ended_at
					FROM fanout_steps WHERE run_id = ?
					"""),

	/** One step, locked: a send resolving it waits until this transaction ends. */
	LOCK_STEP(
			"""
					SELECT step_key, position, status, output, output_type, error, error_stack, attempts, wake_at, started_at, ended_at
					FROM fanout_steps WHERE run_id = ? AND step_key = ? FOR UPDATE
					"""),

	SELECT_STEPS_OF_RUNS(
			"""
					SELECT run_id, step_key, position, status, output, output_type, error, error_stack, attempts, wake_at, started_at, ended_at
					FROM fanout_steps WHERE run_id = ANY (?) ORDER BY run_id, position
					"""),

	SELECT_RUN("SELECT %s FROM fanout_runs WHERE id = ?".formatted(Columns.RUN_VIEW)),

	SELECT_RUN_STATUSES("SELECT id, status FROM fanout_runs WHERE id = ANY (?)"),

	/** The runs a query lists, before its filters; see {@link RunViews#runs}. */
	SELECT_RUNS("SELECT %s FROM fanout_runs WHERE 1 = 1".formatted(Columns.RUN_VIEW)),

	/**
	 * The runs an event triggered, and the batched runs it is one of the events of, of
	 * every application.
	 */
	SELECT_RUNS_OF_EVENT("""
			SELECT %1$s FROM fanout_runs WHERE event_id = ?
			UNION
			SELECT %1$s FROM fanout_runs WHERE id IN (SELECT run_id FROM fanout_batch_events WHERE event_id = ?)
			ORDER BY id
			""".formatted(Columns.RUN_VIEW)),

	/** The first stored row of an event id, as the admin API shows it. */
	SELECT_EVENT("""
			SELECT id, name, data, user_data, ts, received_at, duplicate FROM fanout_events
			WHERE id = ?
			ORDER BY seq
			LIMIT 1
			"""),

	/**
	 * What the waiting steps of some runs wait for; a run waits for one event at a time.
	 */
	WAITS_OF_RUNS("""
			SELECT run_id, step_key, event_name, match_expr FROM fanout_waits
			WHERE run_id = ANY (?) AND kind = 'event'
			"""),

	/*
	 * Gates: see GateClaim.
	 */

	/**
	 * The gates with runs due behind them, the longest due first, so that keys take
	 * turns; a paused function's gate is left as it is, for its resume to open. Its
	 * parameters are the time, the application and its gated functions, whether global
	 * gates count, and the most gates.
	 */
	DUE_GATES("""
			SELECT gate_key, function_id, tat FROM fanout_gates g
			WHERE next_due <= ? AND ((app_id = ? AND function_id = ANY (?)) OR (app_id IS NULL AND ?)) AND %s
			ORDER BY next_due
			LIMIT ?
			FOR UPDATE SKIP LOCKED
			""".formatted(Columns.notPaused("g"))),

	/** Gates that some runs must also pass, locked without waiting, in key order. */
	LOCK_GATES("""
			SELECT gate_key, function_id, tat FROM fanout_gates
			WHERE gate_key = ANY (?)
			ORDER BY gate_key
			FOR UPDATE SKIP LOCKED
			"""),

	/**
	 * A gate's row where there is none. PostgreSQL's variant skips a duplicate; elsewhere
	 * it raises a {@link org.springframework.dao.DuplicateKeyException}.
	 */
	INSERT_GATE(
			"""
					INSERT INTO fanout_gates (gate_key) SELECT ? WHERE NOT EXISTS (SELECT 1 FROM fanout_gates WHERE gate_key = ?)
					"""),

	/** How many runs hold each of some slots. */
	RUNNING_IN_SLOTS("""
			SELECT slot, COUNT(*) AS running FROM (
				SELECT slot1 AS slot FROM fanout_runs WHERE slot1 = ANY (?) AND status = 'RUNNING'
				UNION ALL
				SELECT slot2 FROM fanout_runs WHERE slot2 = ANY (?) AND status = 'RUNNING'
			) AS held
			GROUP BY slot
			"""),

	/**
	 * When each gate's earliest run is due, of all applications; runs of paused functions
	 * are none, so that a gate they alone wait behind is not due until a resume opens it.
	 */
	PENDING_DUE_OF_GATES("""
			SELECT gate, MIN(due_at) AS due FROM fanout_runs
			WHERE gate = ANY (?) AND status IN ('QUEUED', 'SLEEPING', 'WAITING') AND %s
			GROUP BY gate
			""".formatted(Columns.notPaused("fanout_runs"))),

	INSERT_OPEN_GATE("""
			INSERT INTO fanout_gates (gate_key, app_id, function_id, next_due) SELECT ?, ?, ?, ?
			WHERE NOT EXISTS (SELECT 1 FROM fanout_gates WHERE gate_key = ?)
			"""),

	UPDATE_GATE("UPDATE fanout_gates SET tat = ?, next_due = ? WHERE gate_key = ?"),

	/** A gate passed as a run's second gate: its due time is its own runs'. */
	UPDATE_GATE_TAT("UPDATE fanout_gates SET tat = ? WHERE gate_key = ?"),

	/**
	 * A gate's earliest run due no later than a time, unless it is full (a freed slot
	 * makes it due): H2 runs it, and {@link #INSERT_OPEN_GATE} where it updates nothing.
	 * The row is written whatever its state, so that the send waits for a claim that
	 * holds it and reads the gate as that claim left it.
	 */
	OPEN_GATE("""
			UPDATE fanout_gates
			SET next_due = CASE WHEN next_due IS NULL OR (next_due > ? AND next_due <> %s) THEN ? ELSE next_due END
			WHERE gate_key = ?
			""".formatted(Columns.FULL)),

	/**
	 * Lock the gates of the slots some runs hold, before {@link #WAKE_FULL_GATES}: a
	 * claim that holds one may be marking it full, and is waited for.
	 */
	LOCK_GATES_OF_RUNS("""
			SELECT gate_key FROM fanout_gates
			WHERE gate_key IN (
				SELECT slot1 FROM fanout_runs WHERE id = ANY (?) AND slot1 IS NOT NULL
				UNION
				SELECT slot2 FROM fanout_runs WHERE id = ANY (?) AND slot2 IS NOT NULL
			)
			ORDER BY gate_key
			FOR UPDATE
			"""),

	/**
	 * The full ones of some gates made due, now that runs hold their slots no more: H2
	 * runs it on the gates {@link #LOCK_GATES_OF_RUNS} locked, after each statement that
	 * frees slots; PostgreSQL does as much within those statements.
	 */
	WAKE_FULL_GATES("UPDATE fanout_gates SET next_due = %s WHERE next_due = %s AND gate_key = ANY (?)"
		.formatted(Columns.EPOCH, Columns.FULL)),

	/**
	 * One run is selected by the bounds of its id, both itself; every run by the widest.
	 */
	COUNT_REPLAYABLE_RUNS("""
			SELECT COUNT(*) FROM fanout_runs
			WHERE app_id = ? AND function_id = ? AND status = ? AND created_at >= ? AND created_at < ?
				AND id >= ? AND id <= ?
			"""),

	/**
	 * Locked, so that retention cannot delete a run, and then its event, while a replay
	 * creates a new run from that event; concurrent replays of the same runs take turns.
	 */
	REPLAYABLE_RUNS("""
			SELECT id, event_seq, event_id, priority, slot1, slot2, throttle_key, singleton_key FROM fanout_runs
			WHERE app_id = ? AND function_id = ? AND status = ? AND created_at >= ? AND created_at < ?
				AND id >= ? AND id <= ?
			ORDER BY id
			FOR UPDATE
			"""),

	/**
	 * The run starts again: behind its gates again, its throttle's included, which only a
	 * run never started passes.
	 */
	REQUEUE_FOR_REPLAY("UPDATE fanout_runs SET status = 'QUEUED', " + Columns.DUE + """
			, lease_owner = NULL, failures = 0, retry_attempt = 0,
				cancel_requested = FALSE, deadline_at = NULL, deadline_reason = NULL, output = NULL, error = NULL,
				error_stack = NULL, ended_at = NULL, idle_claims = 0, started_at = NULL,
				gate = COALESCE(slot1, throttle_key)
			WHERE id = ? AND status = ?
			"""),

	DELETE_UNFINISHED_STEPS("DELETE FROM fanout_steps WHERE run_id = ? AND status <> 'COMPLETED'"),

	SELECT_REPLAY("SELECT run_ids FROM fanout_replays WHERE id = ?"),

	INSERT_REPLAY("""
			INSERT INTO fanout_replays (id, function_id, mode, created_at, run_ids) VALUES (?, ?, ?, ?, '')
			"""),

	COMPLETE_REPLAY("UPDATE fanout_replays SET run_ids = ? WHERE id = ?"),

	/** Of every application. */
	COUNT_RUNS_BY_FUNCTION("""
			SELECT app_id, function_id, status, COUNT(*) AS runs FROM fanout_runs GROUP BY app_id, function_id, status
			"""),

	/**
	 * The backlog of some functions of an application: their runs due and not running
	 * (queued, or sleeping or waiting past their due time), found by the (function,
	 * status, id) index. Its parameters are the functions, the application and the time.
	 */
	COUNT_DUE_BY_FUNCTION("""
			SELECT function_id, COUNT(*) AS runs FROM fanout_runs
			WHERE function_id = ANY (?) AND status IN ('QUEUED', 'SLEEPING', 'WAITING') AND app_id = ? AND due_at <= ?
			GROUP BY function_id
			"""),

	/**
	 * Runs started and runs failed per minute and function, of every application, since a
	 * time: of the runs created since then, found by their ids, which sort by creation
	 * (the primary key, where the times would take a scan). Its parameters are the first
	 * id and the time, twice.
	 */
	RUN_ACTIVITY(
			"""
					SELECT 'started' AS kind, app_id, function_id, DATE_TRUNC('minute', started_at) AS at_minute, COUNT(*) AS runs
					FROM fanout_runs WHERE id >= ? AND started_at >= ?
					GROUP BY app_id, function_id, DATE_TRUNC('minute', started_at)
					UNION ALL
					SELECT 'failed', app_id, function_id, DATE_TRUNC('minute', ended_at), COUNT(*)
					FROM fanout_runs WHERE id >= ? AND ended_at >= ? AND status = 'FAILED'
					GROUP BY app_id, function_id, DATE_TRUNC('minute', ended_at)
					"""),

	/**
	 * A function paused twice stays paused since the first time. PostgreSQL's variant
	 * skips a duplicate; elsewhere it raises a
	 * {@link org.springframework.dao.DuplicateKeyException}.
	 */
	PAUSE_FUNCTION("""
			INSERT INTO fanout_paused_functions (app_id, function_id, paused_at)
			SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM fanout_paused_functions WHERE app_id = ? AND function_id = ?)
			"""),

	RESUME_FUNCTION("DELETE FROM fanout_paused_functions WHERE app_id = ? AND function_id = ?"),

	/** The paused functions of an application. */
	PAUSED_OF_APP("SELECT function_id FROM fanout_paused_functions WHERE app_id = ?"),

	SELECT_PAUSED("SELECT app_id, function_id FROM fanout_paused_functions"),

	/**
	 * The gates that a resumed function's runs wait behind made due now, unless due
	 * sooner: claims skipped them, or found nothing to start behind them, while it was
	 * paused. A full gate is made due too; the claim marks it full again if it still is.
	 * Its parameters are the time twice, the application and the function.
	 */
	OPEN_GATES_OF_FUNCTION(
			"""
					UPDATE fanout_gates SET next_due = ?
					WHERE (next_due IS NULL OR next_due > ?) AND gate_key IN (
						SELECT gate FROM fanout_runs
						WHERE app_id = ? AND function_id = ? AND status IN ('QUEUED', 'SLEEPING', 'WAITING') AND gate IS NOT NULL)
					"""),

	/**
	 * The runs of a function in some statuses created in a time range, oldest first,
	 * found by the (function, status, id) index. Its parameters are the function, the
	 * statuses, the application, the range, and the most runs.
	 */
	RUNS_OF_FUNCTION("""
			SELECT id FROM fanout_runs
			WHERE function_id = ? AND status = ANY (?) AND app_id = ? AND created_at >= ? AND created_at < ?
			ORDER BY id
			LIMIT ?
			"""),

	/**
	 * How many runs {@link #RUNS_OF_FUNCTION} finds, with its parameters but the last.
	 */
	COUNT_RUNS_OF_FUNCTION("""
			SELECT COUNT(*) FROM fanout_runs
			WHERE function_id = ? AND status = ANY (?) AND app_id = ? AND created_at >= ? AND created_at < ?
			"""),

	SELECT_FUNCTIONS("SELECT " + Columns.FUNCTIONS + " FROM fanout_functions ORDER BY app_id, function_id"),

	/** The start of a multi-row insert of functions, up to its column list. */
	INSERT_FUNCTIONS("INSERT INTO fanout_functions (" + Columns.FUNCTIONS + ")"),

	FUNCTIONS_VERSION("SELECT COUNT(*) AS functions, MAX(registered_at) AS latest FROM fanout_functions"),

	DELETE_FUNCTIONS_OF_APP("DELETE FROM fanout_functions WHERE app_id = ?"),

	TOUCH_FUNCTIONS_OF_APP("UPDATE fanout_functions SET last_seen = ? WHERE app_id = ?"),

	UPDATE_STEP(
			"""
					UPDATE fanout_steps
					SET status = ?, output = ?, output_type = ?, error = COALESCE(?, error), error_stack = COALESCE(?, error_stack),
						attempts = ?, wake_at = ?, ended_at = ?
					WHERE run_id = ? AND step_key = ? AND status <> 'COMPLETED'
					"""),

	/** Its parameters are {@link Rows#stepValues}. */
	INSERT_STEP("INSERT INTO fanout_steps (" + Columns.STEPS + ") VALUES (" + "?, ".repeat(11) + "?)"),

	REFRESH_EVENT_ID("""
			UPDATE fanout_event_ids SET seen_at = ? WHERE id = ? AND seen_at < ?
			"""),

	INSERT_EVENT_ID("""
			INSERT INTO fanout_event_ids (id, seen_at) VALUES (?, ?)
			"""),

	LATEST_CRON_TICKS("""
			SELECT function_id, MAX(tick_at) AS tick_at FROM fanout_cron_ticks WHERE app_id = ? GROUP BY function_id
			"""),

	/**
	 * Records when a cron function was first seen. PostgreSQL's variant skips a
	 * duplicate; elsewhere it raises a
	 * {@link org.springframework.dao.DuplicateKeyException}.
	 */
	MARK_CRON_SEEN("""
			INSERT INTO fanout_cron_ticks (app_id, function_id, tick_at, created_at)
			SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM fanout_cron_ticks WHERE app_id = ? AND function_id = ?)
			"""),

	/**
	 * Records a tick unless it or a later one is there: an instance whose clock lags
	 * cannot fire a tick the others have passed. Duplicates as for
	 * {@link #MARK_CRON_SEEN}.
	 */
	CLAIM_CRON_TICK("""
			INSERT INTO fanout_cron_ticks (app_id, function_id, tick_at, created_at)
			SELECT ?, ?, ?, ? WHERE NOT EXISTS (
				SELECT 1 FROM fanout_cron_ticks WHERE app_id = ? AND function_id = ? AND tick_at >= ?)
			"""),

	RECORD_CRON_RUN("""
			UPDATE fanout_cron_ticks SET run_id = ? WHERE app_id = ? AND function_id = ? AND tick_at = ?
			"""),

	/*
	 * Retention: each select takes one batch and skips rows another transaction has
	 * locked, so cleaning instances never wait for each other; the rows it locked are
	 * then deleted by key (one statement with a subquery made H2 lock row by row).
	 */

	ENDED_RUNS("""
			SELECT id FROM fanout_runs
			WHERE status = ANY (?) AND ended_at < ? AND app_id = ?
			LIMIT ?
			FOR UPDATE SKIP LOCKED
			"""),

	DELETE_STEPS_OF_RUNS("DELETE FROM fanout_steps WHERE run_id = ANY (?)"),

	DELETE_WAITS_OF_RUNS("DELETE FROM fanout_waits WHERE run_id = ANY (?)"),

	DELETE_BATCH_EVENTS_OF_RUNS("DELETE FROM fanout_batch_events WHERE run_id = ANY (?)"),

	DELETE_RUNS("DELETE FROM fanout_runs WHERE id = ANY (?)"),

	EARLIEST_UNFINISHED_START("""
			SELECT MIN(started_at) AS started_at FROM fanout_runs
			WHERE status IN ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING')
			"""),

	/**
	 * Runs refer to their event by seq; matching on the indexed event id instead keeps a
	 * few duplicates longer, never deletes an event a run needs, nor one of a batch.
	 */
	UNREFERENCED_EVENTS("""
			SELECT e.seq FROM fanout_events e
			WHERE e.received_at < ? AND NOT EXISTS (SELECT 1 FROM fanout_runs r WHERE r.event_id = e.id)
				AND NOT EXISTS (SELECT 1 FROM fanout_batch_events b WHERE b.event_id = e.id)
			LIMIT ?
			FOR UPDATE SKIP LOCKED
			"""),

	DELETE_EVENTS("DELETE FROM fanout_events WHERE seq = ANY (?)"),

	OLD_EVENT_IDS("""
			SELECT id FROM fanout_event_ids WHERE seen_at < ? LIMIT ? FOR UPDATE SKIP LOCKED
			"""),

	DELETE_EVENT_IDS("DELETE FROM fanout_event_ids WHERE id = ANY (?)"),

	OLD_REPLAYS("""
			SELECT id FROM fanout_replays WHERE created_at < ? LIMIT ? FOR UPDATE SKIP LOCKED
			"""),

	DELETE_REPLAYS("DELETE FROM fanout_replays WHERE id = ANY (?)"),

	/**
	 * State rows that say nothing any more: a rate limit whose arrival time, or an
	 * idempotency key whose expiry, has passed, a singleton's (which holds no state), and
	 * a debounced or batched key whose run is no longer open (queued, never started).
	 */
	SPENT_FLOW_STATES("""
			SELECT s.state_key FROM fanout_flow_state s
			WHERE (s.run_id IS NULL AND (s.at IS NULL OR s.at < ?))
				OR (s.run_id IS NOT NULL AND NOT EXISTS (
					SELECT 1 FROM fanout_runs r WHERE r.id = s.run_id AND r.status = 'QUEUED' AND r.attempts = 0))
			LIMIT ?
			FOR UPDATE SKIP LOCKED
			"""),

	DELETE_FLOW_STATES("DELETE FROM fanout_flow_state WHERE state_key = ANY (?)"),

	/**
	 * Old ticks, except each function's latest, which says where its schedule resumes.
	 */
	OLD_CRON_TICKS(
			"""
					SELECT t.function_id, t.tick_at FROM fanout_cron_ticks t
					WHERE t.app_id = ? AND t.tick_at < ? AND t.tick_at < (
						SELECT MAX(m.tick_at) FROM fanout_cron_ticks m WHERE m.app_id = t.app_id AND m.function_id = t.function_id)
					LIMIT ?
					FOR UPDATE SKIP LOCKED
					"""),

	DELETE_CRON_TICK("""
			DELETE FROM fanout_cron_ticks WHERE app_id = ? AND function_id = ? AND tick_at = ?
			"""),

	/**
	 * Gates no run waits behind or holds a slot of, whose throttle has nothing left to
	 * space, and that no claim has looked at since a time.
	 */
	IDLE_GATES("""
			SELECT g.gate_key FROM fanout_gates g
			WHERE (g.next_due IS NULL OR g.next_due = %s) AND (g.tat IS NULL OR g.tat < ?)
				AND NOT EXISTS (SELECT 1 FROM fanout_runs r
					WHERE r.gate = g.gate_key AND r.status IN ('QUEUED', 'SLEEPING', 'WAITING'))
				AND NOT EXISTS (SELECT 1 FROM fanout_runs r WHERE r.slot1 = g.gate_key AND r.status = 'RUNNING')
				AND NOT EXISTS (SELECT 1 FROM fanout_runs r WHERE r.slot2 = g.gate_key AND r.status = 'RUNNING')
			LIMIT ?
			FOR UPDATE SKIP LOCKED
			""".formatted(Columns.FULL)),

	DELETE_GATES("DELETE FROM fanout_gates WHERE gate_key = ANY (?)");

	private final String text;

	Sql(String text) {
		this.text = text;
	}

	/**
	 * The statement for the default prefix; a store runs {@link Statements#get its
	 * rendering}.
	 * @return the statement
	 */
	String text() {
		return this.text;
	}

	/**
	 * Column lists that several statements share, the dialects' included.
	 */
	static final class Columns {

		/**
		 * A queued or paused run's due time and, from it and the run's priority, its
		 * rank: two parameters, both the due time.
		 */
		static final String DUE = "due_at = ?, rank_at = CAST(? AS TIMESTAMP WITH TIME ZONE) - priority * INTERVAL '1' SECOND";

		/**
		 * When the gates of an application's runs are due: its functions' own, and the
		 * global ones when one of its runs waits behind, no earlier than that run; those
		 * of paused functions, and their runs, left out.
		 */
		static final String GATES_DUE = """
				SELECT MIN(next_due) AS t FROM fanout_gates g
				WHERE next_due IS NOT NULL AND app_id = ? AND function_id = ANY (?) AND %1$s
				UNION ALL
				SELECT MIN(CASE WHEN r.due_at > g.next_due THEN r.due_at ELSE g.next_due END)
				FROM fanout_gates g JOIN fanout_runs r ON r.gate = g.gate_key
				WHERE g.app_id IS NULL AND g.next_due IS NOT NULL AND r.status IN ('QUEUED', 'SLEEPING', 'WAITING')
					AND r.app_id = ? AND r.function_id = ANY (?) AND %2$s
				""".formatted(notPaused("g"), notPaused("r"));

		/** A time before any other: a gate due at it is due at once. */
		static final String EPOCH = "TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00'";

		/**
		 * The next due time of a full gate, which only a freed slot makes due:
		 * {@link GateClaim#FULL}.
		 */
		static final String FULL = "TIMESTAMP WITH TIME ZONE '9999-12-31 00:00:00+00'";

		/**
		 * The columns of a run with its event, as {@link Rows#CLAIMED_RUN} reads them.
		 */
		/**
		 * How a claim counts the claims in a row that recorded nothing: the first claim
		 * after progress (a requeue or a pause reset the count) is the first in a row;
		 * otherwise a step completed since the previous claim, by its holder, is progress
		 * too. Its parameter is the claim's time.
		 * @param run how the claim's statement names the run row
		 * @return the assignments
		 */
		static String claimCounts(String run) {
			return """
					idle_claims = CASE WHEN %1$s.idle_claims = 0 OR EXISTS (
						SELECT 1 FROM fanout_steps s WHERE s.run_id = %1$s.id AND s.ended_at >= %1$s.claimed_at)
						THEN 1 ELSE %1$s.idle_claims + 1 END,
					claimed_at = ?""".formatted(run);
		}

		static final String RUN_WITH_EVENT = runWithEvent("r.due_at");

		/**
		 * {@link #RUN_WITH_EVENT} with when the run was due given by an expression: a
		 * claim moves {@code due_at} to the end of its lease, and reads the time before.
		 * @param dueAt the expression of the run's due time
		 * @return the columns
		 */
		static String runWithEvent(String dueAt) {
			return """
					r.id, r.function_id, r.attempts, r.failures, r.retry_attempt, r.idle_claims, r.started_at,
					r.cancel_requested, r.parent_run_id, r.parent_step_key, e.id AS event_id, e.name, e.data, e.user_data,
					e.ts, e.v, e.seq, e.trace_context, %s AS due_at
					"""
				.formatted(dueAt);
		}

		/** A matcher and its run's trigger, as {@link Rows#PENDING_WAIT} reads them. */
		static final String PENDING_WAIT = "w.run_id, w.step_key, w.kind, w.event_name, w.match_expr, w.expires_at, "
				+ "w.match_on, w.match_key, " + RUN_WITH_EVENT;

		/** The columns of a step, in the order of {@link Rows#stepValues}. */
		static final String STEPS = "run_id, step_key, position, status, output, output_type, error, error_stack, "
				+ "attempts, wake_at, started_at, ended_at";

		static final String WAITS = "run_id, step_key, kind, event_name, match_expr, expires_at, match_on, match_key";

		static final String FUNCTIONS = "app_id, function_id, name, triggers, filter_expr, cancel_on, "
				+ "start_timeout_ms, flow_control, registered_at, last_seen, retries";

		/**
		 * A run as the admin API shows it, as {@link Rows#RUN} reads it, from the
		 * unaliased runs table: the event's name is read by its key, so that the filters
		 * a query adds name the run's columns alone.
		 */
		static final String RUN_VIEW = "id, function_id, event_id, status, attempts, output, error, created_at, "
				+ "started_at, ended_at, error_stack, app_id, "
				+ "(SELECT e.name FROM fanout_events e WHERE e.seq = fanout_runs.event_seq) AS event_name";

		/**
		 * The condition that a run's, or a gate's, function is not paused: a claim reads
		 * the small table of paused functions in its own statement, so that a pause made
		 * on any instance holds on all of them from its commit on.
		 * @param row how the statement names the row of {@code app_id} and
		 * {@code function_id}
		 * @return the condition
		 */
		static String notPaused(String row) {
			return "NOT EXISTS (SELECT 1 FROM fanout_paused_functions p "
					+ "WHERE p.app_id = %1$s.app_id AND p.function_id = %1$s.function_id)".formatted(row);
		}

		private Columns() {
		}

	}

}
