package dev.fanout.autoconfigure.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.function.ServerRequest;

import dev.fanout.CancelRequest;
import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;

/**
 * Reads the admin API's and the dashboard's parameters, the same way for both: a bad
 * value is an {@link IllegalArgumentException} naming the parameter and what it must be.
 *
 * @since 0.1.0
 */
public final class AdminParams {

	private AdminParams() {
	}

	/**
	 * A query parameter, blank as missing.
	 * @param request the request
	 * @param name the parameter
	 * @return its value, or {@code null}
	 */
	public static @Nullable String param(ServerRequest request, String name) {
		return request.param(name).filter((value) -> !value.isBlank()).orElse(null);
	}

	/**
	 * The runs a request's query parameters select: {@code function}, {@code status}
	 * (comma separated), {@code from}, {@code to}, {@code eventId}, {@code cursor},
	 * {@code limit}, and {@code app} (this application by default, {@code *} for all).
	 * @param request the request
	 * @param appId this application's id
	 * @return the query
	 */
	public static RunQuery runQuery(ServerRequest request, String appId) {
		return runQuery(request, appId, RunQuery.DEFAULT_LIMIT);
	}

	/**
	 * The runs a request's query parameters select, as
	 * {@link #runQuery(ServerRequest, String)} reads them.
	 * @param request the request
	 * @param appId this application's id
	 * @param defaultLimit the page size without a {@code limit} parameter
	 * @return the query
	 */
	public static RunQuery runQuery(ServerRequest request, String appId, int defaultLimit) {
		String app = param(request, "app");
		RunQuery.Builder query = RunQuery.builder()
			.application((app == null) ? appId : ("*".equals(app) ? null : app))
			.function(param(request, "function"))
			.from(instant("from", param(request, "from")))
			.to(instant("to", param(request, "to")))
			.eventId(param(request, "eventId"))
			.cursor(param(request, "cursor"))
			.status(statuses(param(request, "status")).toArray(RunStatus[]::new))
			.limit(defaultLimit);
		String limit = param(request, "limit");
		if (limit != null) {
			query.limit(number("limit", limit));
		}
		return query.build();
	}

	/**
	 * A replay request.
	 * @param id the request id, or {@code null} for a new one
	 * @param function the function id
	 * @param status the status of the runs to replay, or {@code null} for FAILED
	 * @param from the earliest creation time, or {@code null}
	 * @param to the end of the creation time range, or {@code null}
	 * @param mode FRESH or RESUME, or {@code null} for FRESH
	 * @return the request
	 */
	public static ReplayRequest replay(@Nullable String id, @Nullable String function, @Nullable String status,
			@Nullable String from, @Nullable String to, @Nullable String mode) {
		if (function == null || function.isBlank()) {
			throw new IllegalArgumentException("The replay needs 'function', the id of the function to replay");
		}
		ReplayRequest.Builder replay = ReplayRequest.builder()
			.id(id)
			.function(function)
			.from(instant("from", from))
			.to(instant("to", to));
		if (status != null && !status.isBlank()) {
			replay.status(status(status));
		}
		if (mode != null && !mode.isBlank()) {
			replay.mode(mode(mode));
		}
		return replay.build();
	}

	/**
	 * A request to cancel runs.
	 * @param function the function id
	 * @param statuses the statuses, comma separated, or {@code null} for every unfinished
	 * one
	 * @param from the earliest creation time, or {@code null}
	 * @param to the end of the creation time range, or {@code null}
	 * @return the request
	 */
	public static CancelRequest cancel(@Nullable String function, @Nullable String statuses, @Nullable String from,
			@Nullable String to) {
		if (function == null || function.isBlank()) {
			throw new IllegalArgumentException("The cancellation needs 'function', the id of the function");
		}
		return CancelRequest.builder(function)
			.status(statuses(statuses).toArray(RunStatus[]::new))
			.from(instant("from", from))
			.to(instant("to", to))
			.build();
	}

	/**
	 * Statuses, comma separated.
	 * @param value the list, or {@code null}
	 * @return the statuses, empty for none
	 */
	public static Set<RunStatus> statuses(@Nullable String value) {
		Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
		if (value != null) {
			Arrays.stream(value.split(","))
				.map(String::trim)
				.filter((status) -> !status.isEmpty())
				.forEach((status) -> statuses.add(status(status)));
		}
		return statuses;
	}

	/**
	 * An ISO-8601 instant.
	 * @param name the parameter, for the message
	 * @param value the value, or {@code null}
	 * @return the instant, or {@code null}
	 */
	public static @Nullable Instant instant(String name, @Nullable String value) {
		try {
			return (value != null && !value.isBlank()) ? Instant.parse(value.trim()) : null;
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(
					"'" + name + "' must be an ISO-8601 instant such as 2026-12-01T08:00:00Z, not '" + value + "'");
		}
	}

	public static int number(String name, String value) {
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + name + "' must be a whole number, not '" + value + "'");
		}
	}

	static RunStatus status(String value) {
		try {
			return RunStatus.valueOf(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"'status' must be one of " + Arrays.toString(RunStatus.values()) + ", not '" + value + "'");
		}
	}

	static ReplayMode mode(String value) {
		try {
			return ReplayMode.valueOf(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"'mode' must be one of " + Arrays.toString(ReplayMode.values()) + ", not '" + value + "'");
		}
	}

}
