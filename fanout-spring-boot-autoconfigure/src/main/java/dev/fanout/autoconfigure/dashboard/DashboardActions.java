package dev.fanout.autoconfigure.dashboard;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.CancelRequest;
import dev.fanout.CancelResult;
import dev.fanout.FanoutAdmin;
import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
import dev.fanout.ReplayResult;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.autoconfigure.admin.AdminParams;
import dev.fanout.autoconfigure.dashboard.DashboardPages.Message;

import static dev.fanout.autoconfigure.admin.AdminParams.param;

/**
 * What the dashboard's buttons do: cancel or replay a run, pause or resume a function,
 * and the bulk actions on a runs view's filter (a preview, the action, its progress).
 * Each answers with the part of the page to replace.
 */
final class DashboardActions {

	/** The most runs a bulk action's progress follows one by one. */
	private static final int FOLLOWED = 1000;

	private final FanoutAdmin admin;

	private final DashboardPages pages;

	private final Templates templates;

	private final JsonMapper json;

	private final Clock clock;

	DashboardActions(FanoutAdmin admin, DashboardPages pages, Templates templates, JsonMapper json, Clock clock) {
		this.admin = admin;
		this.pages = pages;
		this.templates = templates;
		this.json = json;
		this.clock = clock;
	}

	ServerResponse cancelRun(ServerRequest request) {
		this.admin.cancel(request.pathVariable("runId"));
		return this.pages.runPage(request, "run-body", new Message("Cancellation requested.", false));
	}

	ServerResponse replayRun(ServerRequest request) throws Exception {
		String runId = request.pathVariable("runId");
		Optional<RunInfo> run = this.admin.run(runId);
		if (run.isEmpty()) {
			return this.pages.notFound(request, "No run " + runId);
		}
		Body body = request.body(Body.class);
		ReplayRequest replay = AdminParams.replay(body.id(), run.get().functionId(), run.get().status().name(), null,
				null, body.mode());
		ReplayResult result = this.admin.replay(ReplayRequest.builder()
			.id(replay.id())
			.function(replay.functionId())
			.status(replay.status())
			.mode(replay.mode())
			.run(runId)
			.build());
		String text = switch (replay.mode()) {
			case FRESH -> result.runIds().isEmpty() ? "Nothing to replay." : "Queued a fresh run: " + result.runIds();
			case RESUME -> result.runIds().isEmpty() ? "Nothing to resume." : "Queued again, with its completed steps.";
		};
		return this.pages.runPage(request, "run-body", new Message(text, false));
	}

	ServerResponse pause(ServerRequest request) {
		this.admin.pause(request.pathVariable("functionId"));
		return this.pages.functionsRows(request);
	}

	ServerResponse resume(ServerRequest request) {
		this.admin.resume(request.pathVariable("functionId"));
		return this.pages.functionsRows(request);
	}

	ServerResponse preview(ServerRequest request) {
		Map<String, Object> model = this.pages.model(request, "Preview");
		String function = param(request, "function");
		String status = param(request, "status");
		String from = param(request, "from");
		String to = param(request, "to");
		Map<String, @Nullable String> vals = new LinkedHashMap<>();
		vals.put("function", function);
		vals.put("status", status);
		vals.put("from", from);
		vals.put("to", to);
		int count;
		if ("cancel".equals(param(request, "action"))) {
			CancelRequest cancel = AdminParams.cancel(function, status, from, to);
			count = this.admin.countCancel(cancel);
			model.put("action", "cancel");
			model.put("cancel", true);
			model.put("verb", "cancel");
			model.put("selection", statuses(cancel.statuses()) + ", " + range(cancel.from(), cancel.to()));
		}
		else {
			ReplayRequest replay = AdminParams.replay("dashboard-" + UUID.randomUUID(), function, status, from, to,
					param(request, "mode"));
			count = this.admin.countReplay(replay);
			vals.put("id", replay.id());
			vals.put("status", replay.status().name());
			vals.put("mode", replay.mode().name());
			model.put("action", "replay");
			model.put("verb", (replay.mode() == ReplayMode.FRESH) ? "replay (fresh, every step again)"
					: "resume (keeping completed steps)");
			model.put("selection", replay.status() + ", " + range(replay.from(), replay.to()));
		}
		model.put("count", count);
		model.put("countText", String.format(java.util.Locale.ROOT, "%,d run%s", count, (count == 1) ? "" : "s"));
		model.put("function", function);
		vals.values().removeIf(java.util.Objects::isNull);
		model.put("vals", this.json.writeValueAsString(vals));
		return this.templates.page("bulk-preview", model);
	}

	ServerResponse replayAll(ServerRequest request) throws Exception {
		Body body = request.body(Body.class);
		ReplayResult result = this.admin
			.replay(AdminParams.replay(body.id(), body.function(), body.status(), body.from(), body.to(), body.mode()));
		return progress(request, "Replay " + result.requestId() + " queued " + result.runIds().size() + " runs.",
				result.runIds(), Map.of());
	}

	ServerResponse cancelAll(ServerRequest request) throws Exception {
		Body body = request.body(Body.class);
		CancelResult result = this.admin
			.cancel(AdminParams.cancel(body.function(), body.status(), body.from(), body.to()));
		return progress(request, "Cancelled " + result.count() + " runs.", result.runIds(), Map.of());
	}

	/**
	 * The progress of a bulk action: the runs still unfinished are read again, those
	 * ended are only counted, so each refresh reads fewer runs.
	 */
	ServerResponse followProgress(ServerRequest request) throws Exception {
		Progress body = request.body(Progress.class);
		Map<RunStatus, Integer> ended = new EnumMap<>(RunStatus.class);
		for (String entry : body.ended().split(",")) {
			String[] tally = entry.split("=");
			if (tally.length == 2) {
				ended.put(AdminParams.statuses(tally[0]).iterator().next(), AdminParams.number("ended", tally[1]));
			}
		}
		return progress(request, body.summary(), List.of(body.pending().split(",")), ended);
	}

	ServerResponse dismiss(ServerRequest request) {
		return ServerResponse.ok().contentType(Templates.html()).body("");
	}

	private ServerResponse progress(ServerRequest request, String summary, List<String> runIds,
			Map<RunStatus, Integer> endedBefore) {
		Map<RunStatus, Integer> tally = new EnumMap<>(RunStatus.class);
		tally.putAll(endedBefore);
		List<String> pending = new ArrayList<>();
		List<String> followed = runIds.subList(0, Math.min(FOLLOWED, runIds.size()))
			.stream()
			.filter((runId) -> !runId.isBlank())
			.toList();
		this.admin.statuses(followed).forEach((runId, status) -> {
			tally.merge(status, 1, Integer::sum);
			if (!Views.ended(status)) {
				pending.add(runId);
			}
		});
		Map<String, Object> model = this.pages.model(request, "Progress");
		StringJoiner endedNow = new StringJoiner(",");
		tally.forEach((status, count) -> {
			if (Views.ended(status)) {
				endedNow.add(status.name() + "=" + count);
			}
		});
		int total = tally.values().stream().mapToInt(Integer::intValue).sum();
		model.put("summary", summary);
		model.put("total", total);
		model.put("done", total - pending.size());
		model.put("finished", pending.isEmpty());
		model.put("tally",
				tally.entrySet()
					.stream()
					.map((entry) -> new DashboardPages.Count(entry.getKey().name(), entry.getValue()))
					.toList());
		model.put("vals", this.json.writeValueAsString(
				Map.of("summary", summary, "pending", String.join(",", pending), "ended", endedNow.toString())));
		model.put("checkedAt", Views.time(this.clock.instant()));
		return this.templates.page("bulk-progress", model);
	}

	private static String statuses(Set<RunStatus> statuses) {
		return statuses.equals(CancelRequest.UNFINISHED) ? "unfinished"
				: String.join(" or ", statuses.stream().map(RunStatus::name).sorted().toList());
	}

	private static String range(@Nullable Instant from, @Nullable Instant to) {
		if (from != null && to != null) {
			return "created between " + Views.time(from) + " and " + Views.time(to);
		}
		if (from != null) {
			return "created since " + Views.time(from);
		}
		return (to != null) ? "created before " + Views.time(to) : "whenever created";
	}

	/**
	 * What an action's button sends.
	 *
	 * @param id the replay request id, the same for a double click
	 * @param function the function
	 * @param status the statuses
	 * @param from the earliest creation time
	 * @param to the end of the creation time range
	 * @param mode FRESH or RESUME
	 */
	record Body(@Nullable String id, @Nullable String function, @Nullable String status, @Nullable String from,
			@Nullable String to, @Nullable String mode) {
	}

	/**
	 * What a progress refresh sends back: the runs not yet ended, and those counted.
	 *
	 * @param summary what the action did
	 * @param pending the ids of runs not yet ended, comma separated
	 * @param ended the runs ended, as {@code STATUS=count} pairs, comma separated
	 */
	record Progress(String summary, String pending, String ended) {
	}

}
