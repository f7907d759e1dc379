package dev.fanout.autoconfigure.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.RunInfo;
import dev.fanout.RunStatus;

/**
 * How the pages write times, durations, JSON and runs.
 */
final class Views {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
		.withZone(ZoneOffset.UTC);

	private final JsonMapper json;

	Views(JsonMapper json) {
		this.json = json;
	}

	static String time(@Nullable Instant instant) {
		return (instant != null) ? TIME.format(instant) : "";
	}

	static String duration(Duration duration) {
		long millis = Math.max(0, duration.toMillis());
		if (millis < 1000) {
			return millis + " ms";
		}
		if (millis < 60_000) {
			return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
		}
		long seconds = millis / 1000;
		if (seconds < 3600) {
			return (seconds / 60) + " min " + (seconds % 60) + " s";
		}
		return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
	}

	/**
	 * A run's duration: from its first start to its end, or to now while unfinished.
	 */
	static String duration(RunInfo run, Instant now) {
		if (run.startedAt() == null) {
			return "";
		}
		return duration(Duration.between(run.startedAt(), Objects.requireNonNullElse(run.endedAt(), now)));
	}

	static boolean ended(RunStatus status) {
		return status == RunStatus.COMPLETED || status == RunStatus.FAILED || status == RunStatus.CANCELLED;
	}

	/** Stored JSON, indented; as it is if it does not parse. */
	String pretty(@Nullable String stored) {
		if (stored == null) {
			return "";
		}
		try {
			return this.json.writerWithDefaultPrettyPrinter().writeValueAsString(this.json.readTree(stored));
		}
		catch (JacksonException ex) {
			return stored;
		}
	}

	/**
	 * A function's flow control, one line per control, its settings that are set:
	 * {@code throttle: limit=20 periodMillis=1000 burst=1}.
	 */
	List<String> flowControl(@Nullable String stored) {
		List<String> lines = new ArrayList<>();
		if (stored == null) {
			return lines;
		}
		try {
			this.json.readTree(stored).properties().forEach((control) -> {
				JsonNode value = control.getValue();
				if (value.isArray()) {
					value.forEach((item) -> lines.add(control.getKey() + ": " + settings(item)));
				}
				else if (!value.isNull()) {
					lines.add(control.getKey() + ": " + settings(value));
				}
			});
		}
		catch (JacksonException ex) {
			lines.add(stored);
		}
		return lines;
	}

	private static String settings(JsonNode value) {
		if (!value.isObject()) {
			return value.asString();
		}
		StringJoiner settings = new StringJoiner(" ");
		value.properties().forEach((setting) -> {
			if (!setting.getValue().isNull()) {
				settings.add(setting.getKey() + "=" + setting.getValue().asString());
			}
		});
		return settings.toString();
	}

	RunRow row(RunInfo run, String appId, Instant now) {
		return new RunRow(run.runId(), run.appId(), run.appId() != null && !run.appId().equals(appId), run.functionId(),
				run.status().name(), run.attempts(), time(run.createdAt()), duration(run, now), run.eventId(),
				Objects.requireNonNullElse(run.eventName(), run.eventId()));
	}

	/**
	 * A run as a row of a table.
	 *
	 * @param runId the run id
	 * @param appId its application
	 * @param otherApp whether that is not this application
	 * @param functionId its function
	 * @param status its status
	 * @param attempts its attempts
	 * @param created when it was created
	 * @param duration how long it ran
	 * @param eventId its event
	 * @param eventName its event's name
	 */
	record RunRow(String runId, @Nullable String appId, boolean otherApp, String functionId, String status,
			int attempts, String created, String duration, String eventId, String eventName) {
	}

}
