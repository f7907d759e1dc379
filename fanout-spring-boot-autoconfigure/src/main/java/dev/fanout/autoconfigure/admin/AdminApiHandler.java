package dev.fanout.autoconfigure.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.FanoutAdmin;
import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
import dev.fanout.ReplayResult;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.engine.FanoutEngine;

/**
 * Answers the admin API's requests with JSON: runs (filtered, paged by cursor), one run,
 * its cancellation, replays and the functions with their run counts. Bad parameters are
 * answered 400 with a message naming them.
 */
final class AdminApiHandler {

	private final FanoutAdmin admin;

	private final FanoutEngine engine;

	private final JsonMapper json;

	AdminApiHandler(FanoutAdmin admin, FanoutEngine engine, JsonMapper json) {
		this.admin = admin;
		this.engine = engine;
		this.json = json;
	}

	ServerResponse runs(ServerRequest request) {
		RunQuery.Builder query = RunQuery.builder()
			.application(application(request))
			.function(param(request, "function"))
			.from(instant(request, "from"))
			.to(instant(request, "to"))
			.eventId(param(request, "eventId"))
			.cursor(param(request, "cursor"));
		String statuses = param(request, "status");
		if (statuses != null) {
			query.status(Arrays.stream(statuses.split(","))
				.map((status) -> status(status.trim()))
				.toArray(RunStatus[]::new));
		}
		String limit = param(request, "limit");
		if (limit != null) {
			query.limit(number("limit", limit));
		}
		RunQuery built = query.build();
		List<RunInfo> runs = this.admin.runs(built);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("runs", runs.stream().map(this::run).toList());
		body.put("nextCursor", (runs.size() == built.limit()) ? runs.get(runs.size() - 1).runId() : null);
		return ServerResponse.ok().body(body);
	}

	/**
	 * The application whose runs a request lists: this one, unless it names another with
	 * {@code app}, or every application with {@code app=*}.
	 */
	private @Nullable String application(ServerRequest request) {
		String app = param(request, "app");
		if (app == null) {
			return this.engine.settings().appId();
		}
		return "*".equals(app) ? null : app;
	}

	ServerResponse run(ServerRequest request) {
		return found(this.admin.run(request.pathVariable("runId")));
	}

	ServerResponse cancel(ServerRequest request) {
		String runId = request.pathVariable("runId");
		if (this.admin.run(runId).isEmpty()) {
			return found(Optional.empty());
		}
		this.admin.cancel(runId);
		return found(this.admin.run(runId));
	}

	ServerResponse replay(ServerRequest request) throws Exception {
		ReplayBody body = request.body(ReplayBody.class);
		if (body.function() == null) {
			throw new IllegalArgumentException("The replay needs 'function', the id of the function to replay");
		}
		ReplayRequest.Builder replay = ReplayRequest.builder()
			.id(body.id())
			.function(body.function())
			.from(instant("from", body.from()))
			.to(instant("to", body.to()));
		if (body.status() != null) {
			replay.status(status(body.status()));
		}
		if (body.mode() != null) {
			replay.mode(mode(body.mode()));
		}
		ReplayResult result = this.admin.replay(replay.build());
		return ServerResponse.ok().body(Map.of("requestId", result.requestId(), "runIds", result.runIds()));
	}

	ServerResponse functions(ServerRequest request) {
		return ServerResponse.ok().body(Map.of("functions", this.engine.functionStats().stream().map((stats) -> {
			Map<String, Object> function = new LinkedHashMap<>();
			function.put("id", stats.function().id());
			function.put("name", stats.function().name());
			function.put("triggers", stats.function().triggers());
			function.put("runs", stats.runs());
			return function;
		}).toList()));
	}

	static ServerResponse badRequest(Throwable error) {
		return ServerResponse.badRequest().body(Map.of("error", String.valueOf(error.getMessage()), "status", 400));
	}

	private ServerResponse found(Optional<RunInfo> run) {
		return run.map((found) -> ServerResponse.ok().body(run(found)))
			.orElseGet(() -> ServerResponse.status(HttpStatus.NOT_FOUND)
				.body(Map.of("error", "No such run", "status", 404)));
	}

	private Map<String, Object> run(RunInfo run) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("runId", run.runId());
		json.put("functionId", run.functionId());
		json.put("eventId", run.eventId());
		json.put("status", run.status());
		json.put("attempts", run.attempts());
		json.put("output", tree(run.output()));
		json.put("error", run.error());
		json.put("createdAt", run.createdAt());
		json.put("startedAt", run.startedAt());
		json.put("endedAt", run.endedAt());
		json.put("steps", run.steps().stream().map(this::step).toList());
		return json;
	}

	private Map<String, Object> step(StepInfo step) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("key", step.key());
		json.put("status", step.status());
		json.put("output", tree(step.output()));
		json.put("error", step.error());
		json.put("attempts", step.attempts());
		json.put("startedAt", step.startedAt());
		json.put("endedAt", step.endedAt());
		return json;
	}

	/** Stored outputs are JSON already: embed them rather than quote them. */
	private @Nullable JsonNode tree(@Nullable String output) {
		return (output != null) ? this.json.readTree(output) : null;
	}

	private static @Nullable String param(ServerRequest request, String name) {
		return request.param(name).filter((value) -> !value.isBlank()).orElse(null);
	}

	private static @Nullable Instant instant(ServerRequest request, String name) {
		return instant(name, param(request, name));
	}

	private static @Nullable Instant instant(String name, @Nullable String value) {
		try {
			return (value != null) ? Instant.parse(value) : null;
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(
					"'" + name + "' must be an ISO-8601 instant such as 2026-12-01T08:00:00Z, not '" + value + "'");
		}
	}

	private static int number(String name, String value) {
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + name + "' must be a whole number, not '" + value + "'");
		}
	}

	private static RunStatus status(String value) {
		try {
			return RunStatus.valueOf(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"'status' must be one of " + Arrays.toString(RunStatus.values()) + ", not '" + value + "'");
		}
	}

	private static ReplayMode mode(String value) {
		try {
			return ReplayMode.valueOf(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"'mode' must be one of " + Arrays.toString(ReplayMode.values()) + ", not '" + value + "'");
		}
	}

	/**
	 * The body of a replay request.
	 *
	 * @param id the request id, or {@code null} for a new one
	 * @param function the function id
	 * @param status the status of the runs to replay, or {@code null} for FAILED
	 * @param from the earliest creation time, or {@code null}
	 * @param to the end of the creation time range, or {@code null}
	 * @param mode FRESH or RESUME, or {@code null} for FRESH
	 */
	record ReplayBody(@Nullable String id, @Nullable String function, @Nullable String status, @Nullable String from,
			@Nullable String to, @Nullable String mode) {
	}

}
