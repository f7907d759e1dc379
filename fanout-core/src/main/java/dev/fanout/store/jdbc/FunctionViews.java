package dev.fanout.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;

import dev.fanout.FunctionInfo;
import dev.fanout.RunStatus;
import dev.fanout.internal.Ids;
import dev.fanout.store.FunctionKey;

import static dev.fanout.store.jdbc.Rows.time;

/**
 * The functions of every application as the admin API shows them: their run counts,
 * whether they are paused, and their recent activity.
 */
final class FunctionViews {

	/** The minutes of activity shown, the current one last. */
	static final int MINUTES = 60;

	private final JdbcOperations jdbc;

	private final Statements statements;

	FunctionViews(JdbcOperations jdbc, Statements statements) {
		this.jdbc = jdbc;
		this.statements = statements;
	}

	/**
	 * See {@link dev.fanout.store.RunStore#countRunsByFunction}.
	 * @return the counts by function and status
	 */
	Map<FunctionKey, Map<RunStatus, Long>> countRunsByFunction() {
		Map<FunctionKey, Map<RunStatus, Long>> counts = new HashMap<>();
		this.jdbc.query(this.statements.get(Sql.COUNT_RUNS_BY_FUNCTION),
				(RowCallbackHandler) (rs) -> counts.computeIfAbsent(key(rs), (key) -> new EnumMap<>(RunStatus.class))
					.put(RunStatus.valueOf(rs.getString("status")), rs.getLong("runs")));
		return counts;
	}

	/**
	 * See {@link dev.fanout.store.RunStore#countDueRuns}.
	 * @param appId the application
	 * @param functionIds its functions
	 * @param now the current time
	 * @return the counts by function id; functions without due runs are missing
	 */
	Map<String, Long> countDueRuns(String appId, Collection<String> functionIds, Instant now) {
		Map<String, Long> counts = new HashMap<>();
		this.jdbc.query(this.statements.get(Sql.COUNT_DUE_BY_FUNCTION),
				(RowCallbackHandler) (rs) -> counts.put(rs.getString("function_id"), rs.getLong("runs")),
				new SqlArray(functionIds), appId, time(now));
		return counts;
	}

	/**
	 * See {@link dev.fanout.store.RunStore#pausedFunctions}.
	 * @return the paused functions
	 */
	Set<FunctionKey> pausedFunctions() {
		Set<FunctionKey> paused = new HashSet<>();
		this.jdbc.query(this.statements.get(Sql.SELECT_PAUSED), (RowCallbackHandler) (rs) -> paused.add(key(rs)));
		return paused;
	}

	/**
	 * See {@link dev.fanout.store.RunStore#activity}.
	 * @param functions the functions
	 * @param now the current time
	 * @return the activity of each function
	 */
	Map<FunctionKey, FunctionInfo.Activity> activity(Collection<FunctionKey> functions, Instant now) {
		Instant last = now.truncatedTo(ChronoUnit.MINUTES);
		Instant first = last.minus(Duration.ofMinutes(MINUTES - 1));
		String firstId = Ids.seeded(first.toEpochMilli(), new byte[10], 0);
		Map<FunctionKey, Map<String, Integer[]>> minutes = new HashMap<>();
		this.jdbc.query(this.statements.get(Sql.RUN_ACTIVITY), (RowCallbackHandler) (rs) -> {
			Instant minute = rs.getObject("at_minute", OffsetDateTime.class).toInstant();
			int index = MINUTES - 1 - (int) Duration.between(minute, last).toMinutes();
			if (index >= 0 && index < MINUTES) {
				minutes.computeIfAbsent(key(rs), (key) -> new HashMap<>())
					.computeIfAbsent(rs.getString("kind"), (kind) -> zeros())[index] = rs.getInt("runs");
			}
		}, firstId, time(first), firstId, time(first));
		Map<FunctionKey, FunctionInfo.Activity> activity = new HashMap<>();
		for (FunctionKey function : functions) {
			Map<String, Integer[]> kinds = minutes.getOrDefault(function, Map.of());
			activity.put(function, new FunctionInfo.Activity(List.of(kinds.getOrDefault("started", zeros())),
					List.of(kinds.getOrDefault("failed", zeros()))));
		}
		return activity;
	}

	private static Integer[] zeros() {
		Integer[] zeros = new Integer[MINUTES];
		Arrays.fill(zeros, 0);
		return zeros;
	}

	private static FunctionKey key(ResultSet rs) throws SQLException {
		return new FunctionKey(rs.getString("app_id"), rs.getString("function_id"));
	}

}
