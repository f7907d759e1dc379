package dev.fanout.autoconfigure.admin;

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

import dev.fanout.CancelResult;
import dev.fanout.EventInfo;
import dev.fanout.FanoutAdmin;
import dev.fanout.FunctionInfo;
import dev.fanout.ReplayResult;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.StepInfo;
import dev.fanout.engine.remote.RemoteApps;

import static dev.fanout.autoconfigure.admin.AdminParams.param;

/**
 * Answers the admin API's requests with JSON: runs (filtered, paged by cursor), one run,
 * its cancellation, cancellations and replays by filter and their previews, an event with
 * its runs, the functions with their run counts, pausing and resuming them. Bad
 * parameters are answered 400 with a message naming them.
 */
final class AdminApiHandler {

	private final FanoutAdmin admin;

	private final String appId;

	private final JsonMapper json;

	private final @Nullable RemoteApps remoteApps;

	AdminApiHandler(FanoutAdmin admin, String appId, JsonMapper json, @Nullable RemoteApps remoteApps) {
		this.admin = admin;
		this.appId = appId;
		this.json = json;
		this.remoteApps = remoteApps;
	}

	ServerResponse runs(ServerRequest request) {
		RunQuery query = AdminParams.runQuery(request, this.appId);
		List<RunInfo> runs = this.admin.runs(query);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("runs", runs.stream().map(this::run).toList());
		body.put("nextCursor", (runs.size() == query.limit()) ? runs.get(runs.size() - 1).runId() : null);
		return ServerResponse.ok().body(body);
	}

	ServerResponse run(ServerRequest request) {
		return found(this.admin.run(request.pathVariable("runId")).map(this::run), "run");
	}

	ServerResponse event(ServerRequest request) {
		return found(this.admin.event(request.pathVariable("eventId")).map(this::event), "event");
	}

	ServerResponse cancel(ServerRequest request) {
		String runId = request.pathVariable("runId");
		if (this.admin.run(runId).isEmpty()) {
			return found(Optional.empty(), "run");
		}
		this.admin.cancel(runId);
		return found(this.admin.run(runId).map(this::run), "run");
	}

	ServerResponse cancelAll(ServerRequest request) throws Exception {
		CancelBody body = request.body(CancelBody.class);
		CancelResult result = this.admin
			.cancel(AdminParams.cancel(body.function(), body.status(), body.from(), body.to()));
		return ServerResponse.ok().body(Map.of("count", result.count(), "runIds", result.runIds()));
	}

	ServerResponse cancelPreview(ServerRequest request) {
		return count(this.admin.countCancel(AdminParams.cancel(param(request, "function"), param(request, "status"),
				param(request, "from"), param(request, "to"))));
	}

	ServerResponse replay(ServerRequest request) throws Exception {
		ReplayBody body = request.body(ReplayBody.class);
		ReplayResult result = this.admin
			.replay(AdminParams.replay(body.id(), body.function(), body.status(), body.from(), body.to(), body.mode()));
		return ServerResponse.ok().body(Map.of("requestId", result.requestId(), "runIds", result.runIds()));
	}

	ServerResponse replayPreview(ServerRequest request) {
		return count(this.admin.countReplay(AdminParams.replay(null, param(request, "function"),
				param(request, "status"), param(request, "from"), param(request, "to"), param(request, "mode"))));
	}

	ServerResponse functions(ServerRequest request) {
		String app = param(request, "app");
		String only = (app == null) ? this.appId : ("*".equals(app) ? null : app);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("functions",
				this.admin.functions()
					.stream()
					.filter((function) -> only == null || only.equals(function.appId()))
					.map(this::function)
					.toList());
		if (this.remoteApps != null) {
			body.put("remoteApps", this.remoteApps.status().stream().map(AdminApiHandler::sync).toList());
		}
		return ServerResponse.ok().body(body);
	}

	ServerResponse syncApps(ServerRequest request) throws InterruptedException {
		if (this.remoteApps == null) {
			return ServerResponse.status(HttpStatus.NOT_FOUND)
				.body(Map.of("error", "No remote apps are configured (fanout.remote.apps)", "status", 404));
		}
		return ServerResponse.ok()
			.body(Map.of("remoteApps", this.remoteApps.syncAll().stream().map(AdminApiHandler::sync).toList()));
	}

	private static Map<String, Object> sync(RemoteApps.Sync sync) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("url", sync.url().toString());
		json.put("appId", sync.appId());
		json.put("sdk", sync.sdk());
		json.put("functions", sync.functions());
		json.put("refused", sync.refused());
		json.put("error", sync.error());
		return json;
	}

	ServerResponse pause(ServerRequest request) {
		String functionId = request.pathVariable("functionId");
		this.admin.pause(functionId);
		return found(localFunction(functionId), "function");
	}

	ServerResponse resume(ServerRequest request) {
		String functionId = request.pathVariable("functionId");
		this.admin.resume(functionId);
		return found(localFunction(functionId), "function");
	}

	private Optional<Map<String, Object>> localFunction(String functionId) {
		return this.admin.functions()
			.stream()
			.filter((function) -> function.appId().equals(this.appId) && function.id().equals(functionId))
			.findFirst()
			.map(this::function);
	}

	static ServerResponse badRequest(Throwable error) {
		return ServerResponse.badRequest().body(Map.of("error", String.valueOf(error.getMessage()), "status", 400));
	}

	private static ServerResponse count(int count) {
		return ServerResponse.ok().body(Map.of("count", count));
	}

	private static ServerResponse found(Optional<Map<String, Object>> body, String what) {
		return body.map((found) -> ServerResponse.ok().body(found))
			.orElseGet(() -> ServerResponse.status(HttpStatus.NOT_FOUND)
				.body(Map.of("error", "No such " + what, "status", 404)));
	}

	private Map<String, Object> event(EventInfo event) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", event.id());
		json.put("name", event.name());
		json.put("data", tree(event.data()));
		json.put("user", tree(event.user()));
		json.put("ts", event.ts());
		json.put("receivedAt", event.receivedAt());
		json.put("duplicate", event.duplicate());
		json.put("runs", event.runs().stream().map(this::run).toList());
		return json;
	}

	private Map<String, Object> function(FunctionInfo function) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("appId", function.appId());
		json.put("id", function.id());
		json.put("name", function.name());
		json.put("triggers", function.triggers());
		json.put("filter", function.filter());
		json.put("retries", function.retries());
		json.put("flowControl", tree(function.flowControl()));
		json.put("paused", function.paused());
		json.put("runs", function.runs());
		json.put("activity", Map.of("started", function.activity().started(), "failed", function.activity().failed()));
		return json;
	}

	private Map<String, Object> run(RunInfo run) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("runId", run.runId());
		json.put("appId", run.appId());
		json.put("functionId", run.functionId());
		json.put("eventId", run.eventId());
		json.put("eventName", run.eventName());
		json.put("status", run.status());
		json.put("attempts", run.attempts());
		json.put("output", tree(run.output()));
		json.put("error", run.error());
		json.put("errorStack", run.errorStack());
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
		json.put("errorStack", step.errorStack());
		json.put("attempts", step.attempts());
		json.put("startedAt", step.startedAt());
		json.put("endedAt", step.endedAt());
		json.put("wakeAt", step.wakeAt());
		json.put("waitsFor", step.waitsFor());
		return json;
	}

	/**
	 * Stored outputs and payloads are JSON already: embed them rather than quote them.
	 */
	private @Nullable JsonNode tree(@Nullable String stored) {
		return (stored != null) ? this.json.readTree(stored) : null;
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

	/**
	 * The body of a request to cancel runs by filter.
	 *
	 * @param function the function id
	 * @param status the statuses, comma separated, or {@code null} for every unfinished
	 * one
	 * @param from the earliest creation time, or {@code null}
	 * @param to the end of the creation time range, or {@code null}
	 */
	record CancelBody(@Nullable String function, @Nullable String status, @Nullable String from, @Nullable String to) {
	}

}
