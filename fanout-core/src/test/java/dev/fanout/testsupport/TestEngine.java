package dev.fanout.testsupport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.core.ConditionFactory;

import dev.fanout.Event;
import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.engine.FanoutEngine;

import static org.awaitility.Awaitility.await;

/**
 * A started {@link FanoutEngine} on a {@link FreshDatabase}, with helpers to send events
 * and await their runs.
 */
public final class TestEngine implements AutoCloseable {

	/** How long awaits wait before failing the test. */
	public static final Duration TIMEOUT = Duration.ofSeconds(15);

	private final FanoutEngine engine;

	private final FreshDatabase database;

	TestEngine(FanoutEngine engine, FreshDatabase database) {
		this.engine = engine;
		this.database = database;
	}

	public FanoutEngine engine() {
		return this.engine;
	}

	public FreshDatabase database() {
		return this.database;
	}

	public EventSender sender() {
		return this.engine.sender();
	}

	public FanoutAdmin admin() {
		return this.engine.admin();
	}

	/**
	 * Send an event outside any transaction.
	 * @param name the event name
	 * @param data the event data
	 * @return the send result
	 */
	public SendResult send(String name, Object data) {
		return sender().send(Event.of(name, data));
	}

	/**
	 * Wait until a run reaches a final status.
	 * @param runId the run id
	 * @return the run
	 */
	public RunInfo awaitRun(String runId) {
		return awaiting().until(() -> this.engine.admin().run(runId).orElse(null),
				(run) -> run != null && run.status().isFinal());
	}

	/**
	 * Wait until a run reaches the given status.
	 * @param runId the run id
	 * @param status the status
	 * @return the run
	 */
	public RunInfo awaitRun(String runId, RunStatus status) {
		RunInfo run = awaitRun(runId);
		if (run.status() != status) {
			throw new AssertionError("Run " + runId + " ended " + run.status() + ", not " + status + ": " + run);
		}
		return run;
	}

	/**
	 * Wait until a run is in the given status, final or not (such as {@code SLEEPING}).
	 * @param runId the run id
	 * @param status the status
	 * @return the run
	 */
	public RunInfo awaitStatus(String runId, RunStatus status) {
		return awaiting().until(() -> this.engine.admin().run(runId).orElse(null),
				(run) -> run != null && run.status() == status);
	}

	/**
	 * Wait until every run a send created reaches a final status.
	 * @param sent the send result
	 * @return the runs, in the order of {@link SendResult#runIds()}
	 */
	public List<RunInfo> awaitRuns(SendResult sent) {
		return sent.runIds().stream().map(this::awaitRun).toList();
	}

	/**
	 * Wait until every run a send created reaches a final status.
	 * @param sent the send result
	 * @return the runs by function id
	 */
	public Map<String, RunInfo> awaitRunsByFunction(SendResult sent) {
		Map<String, RunInfo> runs = new LinkedHashMap<>();
		awaitRuns(sent).forEach((run) -> runs.put(run.functionId(), run));
		return runs;
	}

	/**
	 * Wait until a function has the given number of runs, all final.
	 * @param functionId the function id
	 * @param count the number of runs
	 * @return the runs, oldest first
	 */
	public List<RunInfo> awaitRunsOf(String functionId, int count) {
		List<String> ids = awaiting().until(() -> runIdsOf(functionId), (runIds) -> runIds.size() >= count);
		return ids.stream().map(this::awaitRun).toList();
	}

	/**
	 * The ids of a function's runs, oldest first.
	 * @param functionId the function id
	 * @return the run ids
	 */
	public List<String> runIdsOf(String functionId) {
		return this.database.jdbc()
			.queryForList("SELECT id FROM fanout_runs WHERE function_id = ? ORDER BY id", String.class, functionId);
	}

	/**
	 * The stored rows of an event id, in the order they were stored.
	 * @param eventId the event id
	 * @return the rows, as column maps
	 */
	public List<Map<String, Object>> eventRows(String eventId) {
		return this.database.jdbc().queryForList("SELECT * FROM fanout_events WHERE id = ? ORDER BY seq", eventId);
	}

	/**
	 * An Awaitility condition factory with this fixture's timeout and a short poll
	 * interval.
	 * @return the condition factory
	 */
	public static ConditionFactory awaiting() {
		return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(10)).pollDelay(Duration.ZERO);
	}

	/**
	 * Stop the engine's worker.
	 */
	public void stop() {
		this.engine.stop();
	}

	@Override
	public void close() {
		stop();
	}

}
