package dev.fanout.engine.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;

/**
 * The events the engine sends about runs. Runs triggered by an outcome event (finished,
 * failed, cancelled) send none, so a failure handler that fails cannot start an endless
 * chain.
 */
public final class SystemEvents {

	/** Sent when a run fails for good. */
	public static final String FUNCTION_FAILED = "fanout/function.failed";

	/** Sent when a run completes. */
	public static final String FUNCTION_FINISHED = "fanout/function.finished";

	/** Sent when a run is cancelled. */
	public static final String FUNCTION_CANCELLED = "fanout/function.cancelled";

	/**
	 * The trigger of a run started by {@code step.invoke}; its data is the invoke's data.
	 */
	public static final String FUNCTION_INVOKED = "fanout/function.invoked";

	/**
	 * The trigger of a cron function's run, with data {@code {function_id, tick}}; the
	 * tick is an ISO-8601 instant.
	 */
	public static final String CRON = "fanout/cron";

	/** The key of the function id in the data of a {@link #CRON} event. */
	public static final String CRON_FUNCTION_ID = "function_id";

	/** The prefix of every system event name; user events may not use it. */
	public static final String PREFIX = "fanout/";

	private SystemEvents() {
	}

	static boolean isSystemEvent(String name) {
		return name.startsWith(PREFIX);
	}

	public static boolean isOutcome(String name) {
		return FUNCTION_FAILED.equals(name) || FUNCTION_FINISHED.equals(name) || FUNCTION_CANCELLED.equals(name);
	}

	public static Event cancelled(String functionId, String runId, Event trigger, String reason) {
		Map<String, Object> data = base(functionId, runId, trigger);
		data.put("reason", reason);
		return Event.of(FUNCTION_CANCELLED, data);
	}

	public static Event failed(String functionId, String runId, Event trigger, Throwable error, String stack) {
		Map<String, Object> errorData = new LinkedHashMap<>();
		errorData.put("name", error.getClass().getName());
		errorData.put("message", String.valueOf(error.getMessage()));
		errorData.put("stack", stack);
		Map<String, Object> data = base(functionId, runId, trigger);
		data.put("error", errorData);
		return Event.of(FUNCTION_FAILED, data);
	}

	public static Event finished(String functionId, String runId, Event trigger, @Nullable Object result) {
		Map<String, Object> data = base(functionId, runId, trigger);
		data.put("result", result);
		return Event.of(FUNCTION_FINISHED, data);
	}

	public static Event cronTick(String functionId, Instant tick) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put(CRON_FUNCTION_ID, functionId);
		data.put("tick", tick.toString());
		return Event.builder(CRON).data(data).ts(tick).build();
	}

	private static Map<String, Object> base(String functionId, String runId, Event trigger) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("function_id", functionId);
		data.put("run_id", runId);
		data.put("event", EventExpressions.asMap(trigger));
		return data;
	}

}
