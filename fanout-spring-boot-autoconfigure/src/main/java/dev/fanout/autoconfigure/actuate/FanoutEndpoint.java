package dev.fanout.autoconfigure.actuate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.fanout.FanoutAdmin;
import dev.fanout.FunctionInfo;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.WorkerStatus;

/**
 * {@code /actuator/fanout}, read-only: this instance's worker, this application's
 * functions with their runs by status and backlog, which are paused, and the last ten
 * failures.
 *
 * @since 0.1.0
 */
@Endpoint(id = "fanout")
public final class FanoutEndpoint {

	/** How many of the latest failed runs the endpoint shows. */
	static final int FAILURES = 10;

	private final FanoutEngine engine;

	private final FanoutAdmin admin;

	/**
	 * The endpoint of an engine.
	 * @param engine the engine
	 * @param admin its admin operations
	 */
	public FanoutEndpoint(FanoutEngine engine, FanoutAdmin admin) {
		this.engine = engine;
		this.admin = admin;
	}

	@ReadOperation
	public Fanout fanout() {
		String appId = this.engine.settings().appId();
		Map<String, Long> backlog = this.engine.backlog();
		List<FunctionInfo> functions = this.admin.functions()
			.stream()
			.filter((function) -> function.appId().equals(appId))
			.toList();
		return new Fanout(appId, this.engine.workerStatus(),
				functions.stream()
					.map((function) -> new Function(function.id(), function.paused(), counts(function.runs()),
							backlog.getOrDefault(function.id(), 0L)))
					.toList(),
				functions.stream().filter(FunctionInfo::paused).map(FunctionInfo::id).toList(),
				this.admin.runs(RunQuery.builder().application(appId).status(RunStatus.FAILED).limit(FAILURES).build())
					.stream()
					.map(Failure::of)
					.toList());
	}

	private static Map<String, Long> counts(Map<RunStatus, Long> runs) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (RunStatus status : RunStatus.values()) {
			counts.put(status.name(), runs.getOrDefault(status, 0L));
		}
		return counts;
	}

	/**
	 * What the endpoint shows.
	 *
	 * @param application this application's id
	 * @param worker this instance's worker
	 * @param functions this application's functions
	 * @param paused the ids of those paused
	 * @param lastFailures the latest failed runs, newest first
	 */
	public record Fanout(String application, WorkerStatus worker, List<Function> functions, List<String> paused,
			List<Failure> lastFailures) {
	}

	/**
	 * A function.
	 *
	 * @param id its id
	 * @param paused whether it is paused
	 * @param runs its runs by status
	 * @param backlog its runs due and not started
	 */
	public record Function(String id, boolean paused, Map<String, Long> runs, long backlog) {
	}

	/**
	 * A failed run.
	 *
	 * @param function its function
	 * @param runId its id
	 * @param error its error message
	 * @param at when it failed
	 */
	public record Failure(String function, String runId, @Nullable String error, @Nullable Instant at) {

		static Failure of(RunInfo run) {
			return new Failure(run.functionId(), run.runId(), run.error(), run.endedAt());
		}

	}

}
