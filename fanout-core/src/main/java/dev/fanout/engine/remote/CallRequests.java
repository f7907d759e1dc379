package dev.fanout.engine.remote;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import dev.fanout.StepStatus;
import dev.fanout.engine.event.StoredEvents;
import dev.fanout.engine.step.Invocation;
import dev.fanout.store.StoredStep;

/**
 * The body of a call of a remote function: the run's events as Inngest's, the memos of
 * its ended steps in the order they were stored, and the context the SDKs expect. Never
 * {@code ctx.fn_id}, which turns on the SDKs' checkpointing.
 */
final class CallRequests {

	/** The type hint of a step output that is an SDK memo, sent back verbatim. */
	static final String MEMO = "inngest.memo";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private CallRequests() {
	}

	/**
	 * The body of a call.
	 * @param invocation the run's invocation
	 * @param steps the run's steps, by position
	 * @param cron the function's cron expression, for its ticks, or {@code null}
	 * @param attempt the call's zero-based attempt
	 * @param disableImmediateExecution whether the SDK must plan a lone new step rather
	 * than run it inside this call
	 * @return the JSON
	 */
	static String body(Invocation invocation, List<StoredStep> steps, @Nullable String cron, int attempt,
			boolean disableImmediateExecution) {
		ObjectNode memos = NODES.objectNode();
		ArrayNode stack = NODES.arrayNode();
		for (StoredStep step : steps) {
			JsonNode memo = memoOf(step);
			if (memo != null) {
				memos.set(step.key(), memo);
				stack.add(step.key());
			}
		}
		ObjectNode ctx = NODES.objectNode()
			.put("attempt", attempt)
			.put("disable_immediate_execution", disableImmediateExecution)
			.put("max_attempts", invocation.function().retries() + 1)
			.put("run_id", invocation.runId())
			.put("step_id", "step")
			.put("use_api", false);
		ctx.set("stack", NODES.objectNode().put("current", stack.size()).set("stack", stack));
		ObjectNode body = NODES.objectNode();
		body.set("ctx", ctx);
		List<Map<String, Object>> events = invocation.events()
			.stream()
			.map((event) -> InngestEvents.toInngest(event, cron))
			.toList();
		body.set("event", JSON.valueToTree(events.get(0)));
		body.set("events", JSON.valueToTree(events));
		body.set("steps", memos);
		body.put("use_api", false);
		body.put("version", -1);
		return JSON.writeValueAsString(body);
	}

	/**
	 * A memo to store: {@code {"data": value}} or {@code {"error": value}}.
	 * @param kind {@code data} or {@code error}
	 * @param value the value, {@code null} for JSON null
	 * @return the JSON
	 */
	static String memo(String kind, @Nullable JsonNode value) {
		ObjectNode memo = NODES.objectNode();
		memo.set(kind, (value != null) ? value : NullNode.getInstance());
		return JSON.writeValueAsString(memo);
	}

	/**
	 * What a step gives the SDK back: memos verbatim, an event as Inngest's event, an
	 * invoked run's output or error wrapped; nothing for a step not ended.
	 */
	private static @Nullable JsonNode memoOf(StoredStep step) {
		if (!step.hasEnded()) {
			return null;
		}
		String output = step.output();
		if (MEMO.equals(step.outputType()) || StoredEvents.OUTPUT_TYPE.equals(step.outputType())) {
			return (output != null) ? JSON.readTree(output) : NullNode.getInstance();
		}
		if (step.status() == StepStatus.COMPLETED) {
			return NODES.objectNode().set("data", (output != null) ? JSON.readTree(output) : NullNode.getInstance());
		}
		return NODES.objectNode()
			.set("error", NODES.objectNode().put("name", "Error").put("message", String.valueOf(step.error())));
	}

}
