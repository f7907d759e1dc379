package dev.fanout.autoconfigure.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import dev.fanout.EventInfo;
import dev.fanout.FanoutAdmin;
import dev.fanout.FunctionInfo;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.autoconfigure.admin.AdminParams;

/**
 * The dashboard's pages, and the parts of them that refresh themselves: runs, one run,
 * one event, the functions.
 */
final class DashboardPages {

	/** Runs a page of the runs view shows. */
	static final int PAGE_SIZE = 50;

	/**
	 * The filter parameters a runs view is shared by, in the order its links write them.
	 */
	private static final List<String> FILTERS = List.of("function", "status", "from", "to", "eventId", "app");

	private final FanoutAdmin admin;

	private final String appId;

	private final String base;

	private final Templates templates;

	private final Views views;

	private final Clock clock;

	DashboardPages(FanoutAdmin admin, String appId, String base, Templates templates, Views views, Clock clock) {
		this.admin = admin;
		this.appId = appId;
		this.base = base;
		this.templates = templates;
		this.views = views;
		this.clock = clock;
	}

	ServerResponse home(ServerRequest request) {
		return ServerResponse.status(HttpStatus.SEE_OTHER).header("Location", this.base + "/runs").build();
	}

	ServerResponse runs(ServerRequest request) {
		Map<String, Object> model = runsModel(request);
		RunQuery query = (RunQuery) model.get("runQuery");
		model.put("functionOptions", this.admin.functions()
			.stream()
			.filter((function) -> query.applicationId() == null || query.applicationId().equals(function.appId()))
			.map(FunctionInfo::id)
			.distinct()
			.map((id) -> new Option(id, id.equals(query.functionId())))
			.toList());
		model.put("statusOptions",
				List.of(RunStatus.values())
					.stream()
					.map((status) -> new Option(status.name(), query.statuses().equals(Set.of(status))))
					.toList());
		return this.templates.page("runs", model);
	}

	/** The rows alone, every 2 s: the filter's choices are not read again. */
	ServerResponse runsRows(ServerRequest request) {
		return this.templates.page("runs-rows", runsModel(request));
	}

	private Map<String, Object> runsModel(ServerRequest request) {
		RunQuery query = AdminParams.runQuery(request, this.appId, PAGE_SIZE);
		List<RunInfo> runs = this.admin.runs(query);
		Instant now = this.clock.instant();
		Map<String, Object> model = model(request, "Runs");
		Map<String, @Nullable String> filter = new HashMap<>();
		FILTERS.forEach((name) -> filter.put(name, AdminParams.param(request, name)));
		model.put("filter", filter);
		model.put("query", query(request));
		model.put("allApps", "*".equals(filter.get("app")));
		model.put("cursor", query.cursor());
		model.put("nextCursor", (runs.size() == query.limit()) ? runs.get(runs.size() - 1).runId() : null);
		model.put("runs", runs.stream().map((run) -> this.views.row(run, this.appId, now)).toList());
		model.put("runQuery", query);
		return model;
	}

	ServerResponse run(ServerRequest request) {
		return runPage(request, "run", null);
	}

	ServerResponse runBody(ServerRequest request) {
		return runPage(request, "run-body", null);
	}

	/**
	 * A run's page or its refreshing part, with a message after an action.
	 */
	ServerResponse runPage(ServerRequest request, String template, @Nullable Message message) {
		String runId = request.pathVariable("runId");
		Optional<RunInfo> found = this.admin.run(runId);
		if (found.isEmpty()) {
			return notFound(request, "No run " + runId + ": it never existed, or retention removed it.");
		}
		RunInfo run = found.get();
		Instant now = this.clock.instant();
		Waterfall waterfall = new Waterfall(run, now);
		boolean ended = Views.ended(run.status());
		boolean local = run.appId() == null || run.appId().equals(this.appId);
		Map<String, Object> model = model(request, run.functionId());
		model.put("run",
				new RunView(run.runId(), run.appId(), run.functionId(), run.status().name(), run.eventId(),
						(run.eventName() != null) ? run.eventName() : "event", run.attempts(),
						Views.time(run.createdAt()), Views.time(run.startedAt()), Views.time(run.endedAt()),
						Views.duration(run, now), run.error(), run.errorStack(), this.views.pretty(run.output())));
		model.put("live", !ended);
		model.put("canCancel", !ended && local);
		model.put("canReplay", local && (run.status() == RunStatus.FAILED || run.status() == RunStatus.CANCELLED));
		model.put("replayId", "dashboard-" + run.runId() + "-" + now.toEpochMilli());
		model.put("message", message);
		model.put("axis", waterfall.axis());
		model.put("queue", waterfall.queue(run));
		model.put("steps", waterfall.steps(run, this.views));
		this.admin.event(run.eventId())
			.ifPresent((event) -> model.put("event", Map.of("payload", this.views.pretty(event.data()))));
		return this.templates.page(template, model);
	}

	ServerResponse event(ServerRequest request) {
		return eventPage(request, "event");
	}

	ServerResponse eventRows(ServerRequest request) {
		return eventPage(request, "event-rows");
	}

	private ServerResponse eventPage(ServerRequest request, String template) {
		String eventId = request.pathVariable("eventId");
		Optional<EventInfo> found = this.admin.event(eventId);
		if (found.isEmpty()) {
			return notFound(request, "No event " + eventId + ": it never arrived, or retention removed it.");
		}
		EventInfo event = found.get();
		Instant now = this.clock.instant();
		Map<String, Object> model = model(request, event.name());
		model.put("event", event);
		model.put("eventId", event.id());
		model.put("ts", Views.time(event.ts()));
		model.put("received", Views.time(event.receivedAt()));
		model.put("payload", this.views.pretty(event.data()));
		model.put("user", this.views.pretty(event.user()));
		model.put("runCount", event.runs().size());
		model.put("runs", event.runs().stream().map((run) -> this.views.row(run, this.appId, now)).toList());
		model.put("live", event.runs().stream().anyMatch((run) -> !Views.ended(run.status())));
		return this.templates.page(template, model);
	}

	ServerResponse functions(ServerRequest request) {
		return this.templates.page("functions", functionsModel(request));
	}

	ServerResponse functionsRows(ServerRequest request) {
		return this.templates.page("functions-rows", functionsModel(request));
	}

	private Map<String, Object> functionsModel(ServerRequest request) {
		Map<String, Object> model = model(request, "Functions");
		model.put("functions", this.admin.functions().stream().map(this::function).toList());
		return model;
	}

	private FunctionView function(FunctionInfo function) {
		List<Count> counts = new ArrayList<>();
		for (RunStatus status : RunStatus.values()) {
			Long count = function.runs().get(status);
			if (count != null && count > 0) {
				counts.add(new Count(status.name(), count));
			}
		}
		return new FunctionView(function.appId(), function.id(), function.name(), function.triggers(),
				function.filter(), (function.retries() != null) ? function.retries().toString() : "",
				this.views.flowControl(function.flowControl()), function.paused(), function.appId().equals(this.appId),
				counts, Sparkline.svg(function.activity()));
	}

	/**
	 * What every page needs: where the dashboard is, this application, the title, and the
	 * CSRF token Spring Security expects on a request that changes something, if any.
	 */
	Map<String, Object> model(ServerRequest request, String title) {
		Map<String, Object> model = new HashMap<>();
		model.put("base", this.base);
		model.put("appId", this.appId);
		model.put("title", title);
		model.put("csrf", CsrfHeader.of(request));
		return model;
	}

	ServerResponse notFound(ServerRequest request, String message) {
		return error(request, HttpStatus.NOT_FOUND, message);
	}

	ServerResponse error(ServerRequest request, HttpStatus status, String message) {
		Map<String, Object> model = model(request, status.getReasonPhrase());
		model.put("message", new Message(message, true));
		return ServerResponse.status(status).contentType(Templates.html()).body(this.templates.render("error", model));
	}

	/** The filter of a runs view as a query string, without its cursor. */
	static String query(ServerRequest request) {
		StringJoiner query = new StringJoiner("&");
		for (String name : FILTERS) {
			String value = AdminParams.param(request, name);
			if (value != null) {
				query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
			}
		}
		return query.toString();
	}

	/**
	 * An option of a select.
	 *
	 * @param id its value
	 * @param selected whether it is selected
	 */
	record Option(String id, boolean selected) {

		public String name() {
			return this.id;
		}

	}

	/**
	 * A message shown after an action.
	 *
	 * @param text what to say
	 * @param error whether it reports a failure
	 */
	record Message(String text, boolean error) {
	}

	/**
	 * A run count.
	 *
	 * @param status the status
	 * @param count how many runs
	 */
	record Count(String status, long count) {
	}

	/**
	 * A run as its page shows it.
	 *
	 * @param runId the run id
	 * @param appId its application
	 * @param functionId its function
	 * @param status its status
	 * @param eventId its event
	 * @param eventName its event's name
	 * @param attempts its attempts
	 * @param created when it was created
	 * @param started when it started
	 * @param ended when it ended
	 * @param duration how long it ran
	 * @param error its error
	 * @param errorStack its error's stack
	 * @param output its output, indented
	 */
	record RunView(String runId, @Nullable String appId, String functionId, String status, String eventId,
			String eventName, int attempts, String created, String started, String ended, String duration,
			@Nullable String error, @Nullable String errorStack, String output) {
	}

	/**
	 * A function as its row shows it.
	 *
	 * @param appId its application
	 * @param id its id
	 * @param name its name
	 * @param triggers its triggers
	 * @param filter its filter
	 * @param retries its retries, or empty
	 * @param flowControl its flow control, one line per control
	 * @param paused whether it is paused
	 * @param local whether it is this application's, which can pause it
	 * @param counts its runs by status
	 * @param chart its last hour, as SVG
	 */
	record FunctionView(String appId, String id, String name, List<String> triggers, @Nullable String filter,
			String retries, List<String> flowControl, boolean paused, boolean local, List<Count> counts, String chart) {
	}

}
