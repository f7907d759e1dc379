package dev.fanout.engine.remote;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One operation an SDK reports in a {@code 206} reply: a step that ran, failed or is
 * planned, a sleep, a wait, an invocation, the run's end.
 *
 * @param op the opcode, such as {@code StepRun}
 * @param id the hashed step id
 * @param name the step's name, which carries the duration of a JavaScript or Python sleep
 * and the event of their waits, or {@code null}
 * @param opts the options, an empty object when absent
 * @param data the step's output, or {@code null} when the op has none
 * @param error the step's error, or {@code null}
 * @since 0.1.0
 */
public record Op(String op, String id, @Nullable String name, JsonNode opts, @Nullable JsonNode data,
		@Nullable JsonNode error) {

	/** A step that ran and returned. {@code Step} is its name in SDKs before v1. */
	public static final String STEP_RUN = "StepRun";

	/** A step that failed; it may be retried. */
	public static final String STEP_ERROR = "StepError";

	/** A step that failed for good. */
	public static final String STEP_FAILED = "StepFailed";

	/** A step found but not run: to run with a call of its own. */
	public static final String STEP_PLANNED = "StepPlanned";

	/** A sleep. */
	public static final String SLEEP = "Sleep";

	/** A wait for an event. */
	public static final String WAIT_FOR_EVENT = "WaitForEvent";

	/** A call of another function, waiting for its output. */
	public static final String INVOKE_FUNCTION = "InvokeFunction";

	/** The run's end, with its output. */
	public static final String RUN_COMPLETE = "RunComplete";

	/**
	 * Read the ops of a {@code 206} body: an array, or the single object older SDKs send.
	 * @param body the body
	 * @return the ops
	 * @throws IllegalArgumentException if an op has no opcode or no id
	 */
	public static List<Op> parseAll(JsonNode body) {
		List<Op> ops = new ArrayList<>();
		if (body.isArray()) {
			body.forEach((node) -> ops.add(parse(node)));
		}
		else {
			ops.add(parse(body));
		}
		return ops;
	}

	private static Op parse(JsonNode node) {
		String op = text(node, "op");
		String id = text(node, "id");
		if (op == null || id == null) {
			throw new IllegalArgumentException("an op needs an \"op\" and an \"id\", but got " + abbreviate(node));
		}
		if (op.equals("Step")) {
			op = STEP_RUN;
		}
		JsonNode opts = node.get("opts");
		return new Op(op, id, text(node, "name"),
				(opts != null && opts.isObject()) ? opts : JsonNodeFactory.instance.objectNode(), node.get("data"),
				node.get("error"));
	}

	/**
	 * Whether the op is lazy ({@code DeferAdd}, {@code DeferAbort}): fire-and-forget, not
	 * waited for.
	 * @return whether it is lazy
	 */
	public boolean isLazy() {
		return this.op.startsWith("Defer");
	}

	/**
	 * A text option.
	 * @param key the option's name
	 * @return its value, or {@code null}
	 */
	public @Nullable String option(String key) {
		return text(this.opts, key);
	}

	/**
	 * Whether the op runs in race mode ({@code Promise.race}): every completion is
	 * followed by a discovery.
	 * @return whether it races
	 */
	public boolean races() {
		return "race".equals(option("parallelMode"));
	}

	static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull() || value.isMissingNode()) {
			return null;
		}
		return value.isString() ? value.stringValue() : value.toString();
	}

	static String abbreviate(JsonNode node) {
		String text = node.toString();
		return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
	}

}
