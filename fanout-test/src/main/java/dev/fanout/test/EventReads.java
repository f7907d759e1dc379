package dev.fanout.test;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;

/**
 * The reads of one event's runs during one await of {@link FanoutRuns}. It remembers the
 * runs it saw, so that a run that leaves the event is told apart from a run not made yet:
 * a run leaves its event only when a later event of its {@code @Debounce} window takes it
 * over, and the event then has no run of that function. It also says why an event may
 * have no run at all.
 */
final class EventReads {

	private static final String DEBOUNCE_HINT = "an event of a @Debounce window has no run once a later event of "
			+ "the window took its run over: await the last event of the window";

	private final FanoutAdmin admin;

	private final String eventId;

	private final Set<String> seen = new LinkedHashSet<>();

	/** The runs the event had that another event took over, as read then, by run id. */
	private final Map<String, RunInfo> takenOver = new LinkedHashMap<>();

	EventReads(FanoutAdmin admin, String eventId) {
		this.admin = admin;
		this.eventId = eventId;
	}

	/**
	 * Read the event's runs, noting the runs seen before that left it for another event.
	 */
	List<RunInfo> read() {
		List<RunInfo> runs = this.admin.runsForEvent(this.eventId);
		Set<String> current = runs.stream().map(RunInfo::runId).collect(Collectors.toSet());
		for (String runId : this.seen) {
			if (!current.contains(runId) && !this.takenOver.containsKey(runId)) {
				this.admin.run(runId)
					.filter((run) -> !run.eventId().equals(this.eventId))
					.ifPresent((run) -> this.takenOver.put(runId, run));
			}
		}
		this.seen.addAll(current);
		return runs;
	}

	/**
	 * The runs taken over from the event whose function has no run of it now: the event
	 * will not get one.
	 */
	List<RunInfo> lost(List<RunInfo> runs) {
		Set<String> functions = runs.stream().map(RunInfo::functionId).collect(Collectors.toSet());
		return this.takenOver.values().stream().filter((run) -> !functions.contains(run.functionId())).toList();
	}

	/**
	 * Whether the event lost a run of the function to a later event.
	 */
	boolean lostRunOf(String functionId, List<RunInfo> runs) {
		return lost(runs).stream().anyMatch((run) -> run.functionId().equals(functionId));
	}

	/**
	 * Describe the runs for a failure: each run, the runs taken over, and for an event
	 * without runs, why it may have none.
	 */
	String describe(List<RunInfo> runs) {
		StringBuilder out = new StringBuilder();
		if (!runs.isEmpty()) {
			out.append(RunDescriptions.describe(runs, this.eventId));
		}
		else if (this.takenOver.isEmpty()) {
			out.append(noRuns());
		}
		for (RunInfo run : lost(runs)) {
			out.append((out.length() > 0) ? "\n" : "")
				.append("event ")
				.append(this.eventId)
				.append(" had run ")
				.append(run.runId())
				.append(" of '")
				.append(run.functionId())
				.append("', which event ")
				.append(run.eventId())
				.append(" took over (a later event of its @Debounce window): event ")
				.append(this.eventId)
				.append(" has no run of '")
				.append(run.functionId())
				.append("' now; await event ")
				.append(run.eventId())
				.append(" instead\n")
				.append(RunDescriptions.describe(run));
		}
		return out.toString();
	}

	/**
	 * Why an event may have no run. Flow control counts the events it skips, not which
	 * they are, so the counts are all there is to show.
	 */
	private String noRuns() {
		StringBuilder out = new StringBuilder("no runs: the event may not have been sent (or its transaction not "
				+ "committed), may trigger no function, or flow control may have skipped it");
		Map<String, Map<String, Long>> skipped = this.admin.skippedEvents();
		if (!skipped.isEmpty()) {
			out.append("; events that flow control skipped, as this instance counted them: ").append(skipped);
		}
		if (skipped.values().stream().anyMatch((reasons) -> reasons.containsKey("debounce"))) {
			out.append(" (").append(DEBOUNCE_HINT).append(")");
		}
		return out.toString();
	}

	/**
	 * What flow control skipped of a function, for a function that has no run of the
	 * event.
	 */
	String skippedOf(String functionId) {
		Map<String, Long> reasons = this.admin.skippedEvents().get(functionId);
		if (reasons == null) {
			return "";
		}
		return " (flow control skipped events of '" + functionId + "': " + reasons
				+ (reasons.containsKey("debounce") ? "; " + DEBOUNCE_HINT : "") + ")";
	}

}
