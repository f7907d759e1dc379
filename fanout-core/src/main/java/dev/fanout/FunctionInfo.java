package dev.fanout;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A function of one of the applications on the database, as its application registered
 * it, with its runs.
 *
 * @param appId the application that runs it
 * @param id the function id
 * @param name the display name
 * @param triggers the event names (or cron expressions, as {@code cron(...)}) that start
 * it
 * @param filter the filter expression, or {@code null}
 * @param retries retries after the first attempt, or {@code null} if its application did
 * not say (registered by an earlier version)
 * @param flowControl its flow-control settings, as JSON, or {@code null} for none
 * @param paused whether it is paused: its runs are created but none starts
 * @param runs how many runs it has in each status; statuses without runs are missing
 * @param activity its runs started and failed per minute over the last hour
 * @since 0.1.0
 */
public record FunctionInfo(String appId, String id, String name, List<String> triggers, @Nullable String filter,
		@Nullable Integer retries, @Nullable String flowControl, boolean paused, Map<RunStatus, Long> runs,
		Activity activity) {

	public FunctionInfo {
		triggers = List.copyOf(triggers);
		runs = Map.copyOf(runs);
	}

	/**
	 * Runs started and failed in each of the last 60 minutes, the current minute last.
	 *
	 * @param started runs started per minute, 60 entries
	 * @param failed runs failed per minute, 60 entries
	 */
	public record Activity(List<Integer> started, List<Integer> failed) {

		public Activity {
			started = List.copyOf(started);
			failed = List.copyOf(failed);
		}

	}

}
