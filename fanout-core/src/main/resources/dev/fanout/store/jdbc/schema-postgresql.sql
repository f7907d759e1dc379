-- fanout schema for PostgreSQL. Table names start with the configured prefix (fanout_ by default).
create table if not exists fanout_events (
    seq varchar(26) primary key,
    id varchar(128) not null,
    name varchar(256) not null,
    data text not null,
    user_data text,
    ts timestamp with time zone not null,
    v varchar(64),
    received_at timestamp with time zone not null,
    duplicate boolean not null,
    -- The sender's trace context (propagation headers as a JSON object), when observations are on:
    -- each run of the event continues the sender's trace.
    trace_context text
);
-- Tables created by an earlier version gain the columns added since.
alter table fanout_events add column if not exists trace_context text;
create index if not exists fanout_events_id_idx on fanout_events (id);
-- A wait's look-back reads the events of a name page by page in this order.
drop index if exists fanout_events_name_idx;
create index if not exists fanout_events_name_time_idx on fanout_events (name, received_at, seq);
-- Retention finds old events by this.
create index if not exists fanout_events_received_idx on fanout_events (received_at);

create table if not exists fanout_event_ids (
    id varchar(128) primary key,
    seen_at timestamp with time zone not null
);
create index if not exists fanout_event_ids_seen_idx on fanout_event_ids (seen_at);

create table if not exists fanout_runs (
    id varchar(26) primary key,
    app_id varchar(128) not null,
    function_id varchar(128) not null,
    event_seq varchar(26) not null,
    event_id varchar(128) not null,
    status varchar(16) not null,
    attempts integer not null,
    failures integer not null,
    retry_attempt integer not null,
    due_at timestamp with time zone not null,
    lease_owner varchar(128),
    cancel_requested boolean not null,
    deadline_at timestamp with time zone,
    deadline_reason varchar(256),
    parent_run_id varchar(26),
    parent_step_key varchar(300),
    output text,
    error text,
    error_stack text,
    created_at timestamp with time zone not null,
    started_at timestamp with time zone,
    ended_at timestamp with time zone,
    -- Claims in a row that recorded nothing (no step, no outcome), and when the last was made: a run
    -- claimed more than its retries + 1 times so is failed, as one that crashes whoever runs it.
    idle_claims integer not null default 0,
    claimed_at timestamp with time zone,
    -- Flow control: seconds the run is ordered ahead of its due time, the order the claim takes
    -- (due_at less the priority), the concurrency slots and the throttle it passes to start (a run
    -- with one is started by the gated claim, by its first gate), and the singleton key it holds until
    -- it ends.
    priority integer not null default 0,
    rank_at timestamp with time zone not null default current_timestamp,
    gate varchar(512),
    slot1 varchar(512),
    slot2 varchar(512),
    throttle_key varchar(512),
    singleton_key varchar(512),
    -- Writes to a running run are fenced by its lease owner alone (see Statements).
    constraint fanout_runs_lease_check check ((lease_owner is not null) = (status = 'RUNNING'))
);
-- Tables created by an earlier version gain the columns added since.
alter table fanout_runs add column if not exists idle_claims integer not null default 0;
alter table fanout_runs add column if not exists claimed_at timestamp with time zone;
alter table fanout_runs add column if not exists priority integer not null default 0;
alter table fanout_runs add column if not exists rank_at timestamp with time zone not null default current_timestamp;
alter table fanout_runs add column if not exists gate varchar(512);
alter table fanout_runs add column if not exists slot1 varchar(512);
alter table fanout_runs add column if not exists slot2 varchar(512);
alter table fanout_runs add column if not exists throttle_key varchar(512);
alter table fanout_runs add column if not exists singleton_key varchar(512);
-- The claim takes runs in rank order; gated runs are claimed by their gate, but for an expired lease.
drop index if exists fanout_runs_due_idx;
create index if not exists fanout_runs_rank_idx on fanout_runs (rank_at)
    where status in ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING') and (gate is null or status = 'RUNNING');
create index if not exists fanout_runs_gate_idx on fanout_runs (gate, rank_at)
    where status in ('QUEUED', 'SLEEPING', 'WAITING') and gate is not null;
-- A claim counts the runs that hold a gate's slots.
create index if not exists fanout_runs_slot1_idx on fanout_runs (slot1) where status = 'RUNNING' and slot1 is not null;
create index if not exists fanout_runs_slot2_idx on fanout_runs (slot2) where status = 'RUNNING' and slot2 is not null;
create index if not exists fanout_runs_singleton_idx on fanout_runs (function_id, singleton_key)
    where singleton_key is not null and status in ('QUEUED', 'RUNNING', 'SLEEPING', 'WAITING');
create index if not exists fanout_runs_deadline_idx on fanout_runs (deadline_at) where deadline_at is not null;
create index if not exists fanout_runs_event_idx on fanout_runs (event_id);
create index if not exists fanout_runs_function_idx on fanout_runs (function_id, status, id);
-- Retention finds ended runs by this.
create index if not exists fanout_runs_ended_idx on fanout_runs (status, ended_at) where ended_at is not null;

create table if not exists fanout_steps (
    run_id varchar(26) not null,
    step_key varchar(300) not null,
    position integer not null,
    status varchar(16) not null,
    output text,
    output_type varchar(512),
    error text,
    error_stack text,
    attempts integer not null,
    wake_at timestamp with time zone,
    started_at timestamp with time zone not null,
    ended_at timestamp with time zone,
    primary key (run_id, step_key)
);

-- Pending matchers: waitForEvent steps (kind 'event') and @CancelOn (kind 'cancel').
create table if not exists fanout_waits (
    run_id varchar(26) not null,
    step_key varchar(300) not null,
    kind varchar(16) not null,
    event_name varchar(256) not null,
    match_expr varchar(2000),
    expires_at timestamp with time zone not null,
    -- For a match of the form async.<path> == event.<path>: the path on the arriving event, and the
    -- value the run's trigger gives the other side, so that a send finds the matchers its events
    -- match by key rather than by reading every matcher of the name.
    match_on varchar(300),
    match_key varchar(512),
    primary key (run_id, kind, step_key)
);
alter table fanout_waits add column if not exists match_on varchar(300);
alter table fanout_waits add column if not exists match_key varchar(512);
create index if not exists fanout_waits_event_idx on fanout_waits (event_name);
create index if not exists fanout_waits_key_idx on fanout_waits (event_name, match_on, match_key);

-- Replay requests already carried out, so a repeated request queues nothing more.
create table if not exists fanout_replays (
    id varchar(128) primary key,
    function_id varchar(128) not null,
    mode varchar(16) not null,
    created_at timestamp with time zone not null,
    run_ids text not null
);

-- The functions of every application sharing the database, so that an event sent by one
-- creates runs for the functions of all.
create table if not exists fanout_functions (
    app_id varchar(128) not null,
    function_id varchar(128) not null,
    name varchar(256) not null,
    triggers text not null,
    filter_expr varchar(2000),
    cancel_on text not null,
    start_timeout_ms bigint,
    flow_control text,
    registered_at timestamp with time zone not null,
    last_seen timestamp with time zone not null,
    primary key (app_id, function_id)
);

alter table fanout_functions add column if not exists flow_control text;
-- Retries after a first attempt, as its application declared them; null if registered by an earlier version.
alter table fanout_functions add column if not exists retries integer;

-- Paused functions: their runs are created but no claim starts them, on any instance, until the row
-- is deleted (resumed). Claims read it in their own statements, so a pause holds at once everywhere.
create table if not exists fanout_paused_functions (
    app_id varchar(128) not null,
    function_id varchar(128) not null,
    paused_at timestamp with time zone not null,
    primary key (app_id, function_id)
);

-- The gates of runs with a concurrency limit or a throttle, one row per key, which the claims
-- that start its runs lock: the runs that hold a concurrency slot are counted, the limits are the
-- claiming application's, and the row keeps its throttle's theoretical arrival time (tat) and when
-- a run queued behind it is due next (next_due: never later than the truth; null while its slots
-- are all taken or no run waits). A gate of one function names it; a global one names none.
create table if not exists fanout_gates (
    gate_key varchar(600) primary key,
    app_id varchar(128),
    function_id varchar(128),
    tat timestamp with time zone,
    next_due timestamp with time zone
);
create index if not exists fanout_gates_due_idx on fanout_gates (next_due);

-- The state of the controls decided when an event is sent, one row per key: a rate limit's
-- theoretical arrival time, an idempotency key's expiry, a debounced or batched key's pending run.
create table if not exists fanout_flow_state (
    state_key varchar(600) primary key,
    at timestamp with time zone,
    run_id varchar(26),
    size integer not null default 0
);

-- The events of a batched run, in order; the first is also the run's trigger.
create table if not exists fanout_batch_events (
    run_id varchar(26) not null,
    position integer not null,
    event_seq varchar(26) not null,
    event_id varchar(128) not null,
    primary key (run_id, position)
);
create index if not exists fanout_batch_events_event_idx on fanout_batch_events (event_id);

-- The ticks of cron functions, one row per application, function and tick: the primary key
-- lets one instance create a tick's run however many reach it. A row without a run marks
-- when the application first saw the function; its first run is at the next tick.
create table if not exists fanout_cron_ticks (
    app_id varchar(128) not null,
    function_id varchar(128) not null,
    tick_at timestamp with time zone not null,
    run_id varchar(26),
    created_at timestamp with time zone not null,
    primary key (app_id, function_id, tick_at)
);
