package dev.fanout.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;

import dev.fanout.RunStatus;
import dev.fanout.StepStatus;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.PendingWait;
import dev.fanout.store.RegisteredFunction;
import dev.fanout.store.StoredEvent;
import dev.fanout.store.StoredStep;

/**
 * Row mappers and time conversions shared by the JDBC store.
 */
final class Rows {

	static final RowMapper<ClaimedRun> CLAIMED_RUN = (rs, n) -> new ClaimedRun(rs.getString("id"),
			rs.getString("function_id"), rs.getInt("attempts"), rs.getInt("failures"), rs.getInt("retry_attempt"),
			nullableInstant(rs, "started_at"), rs.getBoolean("cancel_requested"), rs.getString("parent_run_id"),
			rs.getString("parent_step_key"), rs.getString("event_id"), rs.getString("name"), rs.getString("data"),
			rs.getString("user_data"), instant(rs, "ts"), rs.getString("v"));

	static final RowMapper<StoredEvent> EVENT = (rs, n) -> new StoredEvent(rs.getString("seq"), rs.getString("id"),
			rs.getString("name"), rs.getString("data"), rs.getString("user_data"), instant(rs, "ts"),
			rs.getString("v"));

	static final RowMapper<PendingWait> PENDING_WAIT = (rs, n) -> new PendingWait(
			new NewWait(rs.getString("run_id"), rs.getString("step_key"), rs.getString("kind"),
					rs.getString("event_name"), rs.getString("match_expr"), instant(rs, "expires_at")),
			CLAIMED_RUN.mapRow(rs, n));

	static final RowMapper<RegisteredFunction> FUNCTION = (rs, n) -> new RegisteredFunction(rs.getString("app_id"),
			rs.getString("function_id"), rs.getString("name"), rs.getString("triggers"), rs.getString("filter_expr"),
			rs.getString("cancel_on"), (Long) rs.getObject("start_timeout_ms", Long.class),
			instant(rs, "registered_at"), instant(rs, "last_seen"));

	static final RowMapper<StoredStep> STEP = (rs, n) -> new StoredStep(rs.getString("step_key"), rs.getInt("position"),
			StepStatus.valueOf(rs.getString("status")), rs.getString("output"), rs.getString("output_type"),
			rs.getString("error"), rs.getString("error_stack"), rs.getInt("attempts"), nullableInstant(rs, "wake_at"),
			instant(rs, "started_at"), nullableInstant(rs, "ended_at"));

	static final RowMapper<RunRow> RUN = (rs, n) -> new RunRow(rs.getString("id"), rs.getString("function_id"),
			rs.getString("event_id"), RunStatus.valueOf(rs.getString("status")), rs.getInt("attempts"),
			rs.getString("output"), rs.getString("error"), instant(rs, "created_at"), nullableInstant(rs, "started_at"),
			nullableInstant(rs, "ended_at"));

	private Rows() {
	}

	static OffsetDateTime time(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
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
	 * A run row before its steps are attached.
	 */
	record RunRow(String id, String functionId, String eventId, RunStatus status, int attempts, @Nullable String output,
			@Nullable String error, Instant createdAt, @Nullable Instant startedAt, @Nullable Instant endedAt) {
	}

}
