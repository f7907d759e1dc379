package dev.fanout.engine.remote;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;
import tools.jackson.databind.JsonNode;

import dev.fanout.Concurrency;
import dev.fanout.Singleton;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.CronSchedule;
import dev.fanout.engine.function.FlowControl;
import dev.fanout.engine.function.FlowKey;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.support.RetrySupport;

/**
 * Reads the functions an SDK application describes when it syncs (its
 * {@code FunctionConfig}s, as JavaScript, Python and Go write them) into fanout's
 * function definitions. A function with an option fanout cannot honour, or an expression
 * it cannot evaluate, is refused with a message naming the option; the app's other
 * functions are kept.
 *
 * @since 0.1.0
 */
public final class SdkFunctions {

	/** Inngest's default: 4 retries, so 5 attempts. */
	static final int DEFAULT_RETRIES = 4;

	/** Inngest's most retries. */
	static final int MAX_RETRIES = 20;

	/** What Inngest's {@code idempotency} means: one run per key in 24 hours. */
	static final Duration IDEMPOTENCY_PERIOD = Duration.ofHours(24);

	private SdkFunctions() {
	}

	/**
	 * Read an app's sync body.
	 * @param body the in-band sync reply or the out-of-band registration
	 * @param bodies how the functions' bodies are made
	 * @param backoff the delays between attempts
	 * @return the app's id, its functions and the functions refused
	 * @throws IllegalArgumentException if the body names no app or has no function list
	 */
	public static Synced read(JsonNode body, Bodies bodies, Backoff backoff) {
		String appId = appId(body);
		JsonNode functions = body.get("functions");
		if (functions == null || !functions.isArray()) {
			throw new IllegalArgumentException("The app's sync has no \"functions\" array");
		}
		List<FunctionDefinition> definitions = new ArrayList<>();
		Map<String, String> refused = new LinkedHashMap<>();
		for (JsonNode function : functions) {
			String id = Op.text(function, "id");
			if (id == null) {
				refused.put("(no id)", "A function has no \"id\": " + Op.abbreviate(function));
				continue;
			}
			try {
				definitions.add(definition(appId, id, function, bodies, backoff));
			}
			catch (IllegalArgumentException ex) {
				refused.put(id,
						"Function '" + id + "' of app '" + appId + "' cannot run on fanout: " + ex.getMessage());
			}
		}
		return new Synced(appId, String.valueOf(Op.text(body, "sdk")), definitions, refused);
	}

	/**
	 * The app id of a sync body: {@code app_id} in band, {@code appName} out of band,
	 * which Python spells {@code appname}.
	 */
	private static String appId(JsonNode body) {
		for (String name : body.propertyNames()) {
			String lower = name.toLowerCase(Locale.ROOT);
			if (lower.equals("app_id") || lower.equals("appname")) {
				String id = Op.text(body, name);
				if (id != null && !id.isBlank()) {
					return id;
				}
			}
		}
		throw new IllegalArgumentException("The app's sync names no app (app_id or appName)");
	}

	private static FunctionDefinition definition(String appId, String id, JsonNode function, Bodies bodies,
			Backoff backoff) {
		String name = (Op.text(function, "name") != null) ? Op.text(function, "name") : id;
		Triggers triggers = triggers(function.path("triggers"));
		JsonNode step = function.path("steps").path("step");
		String url = Op.text(step.path("runtime"), "url");
		if (url == null) {
			throw new IllegalArgumentException("it has no steps.step.runtime.url to call");
		}
		int retries = retries(function, step);
		JsonNode timeouts = function.path("timeouts");
		Duration start = optionalDuration(timeouts, "start", "timeouts.start");
		Duration finish = optionalDuration(timeouts, "finish", "timeouts.finish");
		FunctionDefinition.CancelRule[] cancels = cancels(function.path("cancel"));
		return new FunctionDefinition(id, name, triggers.events(), triggers.filter(), retries,
				RetrySupport.retryableClassifier(List.of()), backoff,
				bodies.body(URI.create(withoutDeployId(url)), (triggers.cron() != null) ? triggers.cron() : null),
				"app '" + appId + "' (" + Op.text(function, "id") + ")", List.of(cancels), start, finish,
				(triggers.cron() != null) ? CronSchedule.parse(triggers.cron()) : null, flow(function));
	}

	/**
	 * The function's event triggers under fanout's names, one filter expression for all
	 * (each trigger's own expression applies to its events), and its cron.
	 */
	private static Triggers triggers(JsonNode triggers) {
		List<String> events = new ArrayList<>();
		List<String> conditions = new ArrayList<>();
		boolean filtered = false;
		String cron = null;
		for (JsonNode trigger : triggers) {
			String event = Op.text(trigger, "event");
			String schedule = Op.text(trigger, "cron");
			if (schedule != null) {
				if (cron != null) {
					throw new IllegalArgumentException("it has two cron triggers; fanout runs one schedule a function");
				}
				if (Op.text(trigger, "jitter") != null) {
					throw new IllegalArgumentException("cron jitter is not supported");
				}
				cron = withSeconds(schedule);
				continue;
			}
			if (event == null) {
				throw new IllegalArgumentException("a trigger has neither an event nor a cron: " + trigger);
			}
			String name = InngestEvents.fanoutName(event);
			events.add(name);
			String nameTest = name.endsWith("*")
					? "event.name.startsWith('" + quoted(name.substring(0, name.length() - 1)) + "')"
					: "event.name == '" + quoted(name) + "'";
			String expression = Op.text(trigger, "expression");
			if (expression != null) {
				filtered = true;
				conditions.add("(" + nameTest + " and (" + spel(expression, "the trigger expression") + "))");
			}
			else {
				conditions.add("(" + nameTest + ")");
			}
		}
		if (events.isEmpty() && cron == null) {
			throw new IllegalArgumentException("it has no trigger");
		}
		Expression filter = filtered ? EventExpressions.parse(String.join(" or ", conditions)) : null;
		return new Triggers(events, filter, cron);
	}

	/**
	 * Inngest's crons have five fields, from minutes; fanout's, as Spring's, six, from
	 * seconds.
	 */
	private static String withSeconds(String cron) {
		String text = cron.trim();
		String zone = "";
		if (text.startsWith("TZ=") || text.startsWith("CRON_TZ=")) {
			int space = text.indexOf(' ');
			zone = (space > 0) ? text.substring(0, space + 1) : text;
			text = (space > 0) ? text.substring(space + 1).trim() : "";
		}
		return (text.split("\\s+").length == 5) ? zone.replace("CRON_TZ=", "TZ=") + "0 " + text
				: zone.replace("CRON_TZ=", "TZ=") + text;
	}

	/**
	 * {@code retries} at the top (Go) or {@code steps.step.retries.attempts} (JavaScript,
	 * Python): retries after the first attempt, whatever the name says.
	 */
	private static int retries(JsonNode function, JsonNode step) {
		JsonNode value = function.has("retries") ? function.get("retries") : step.path("retries").get("attempts");
		if (value == null || value.isNull()) {
			return DEFAULT_RETRIES;
		}
		if (!value.isIntegralNumber() || value.asInt() < 0) {
			throw new IllegalArgumentException("retries must be a whole number from 0, not " + value);
		}
		return Math.min(value.asInt(), MAX_RETRIES);
	}

	private static FunctionDefinition.CancelRule[] cancels(JsonNode cancels) {
		List<FunctionDefinition.CancelRule> rules = new ArrayList<>();
		for (JsonNode cancel : cancels) {
			String event = Op.text(cancel, "event");
			if (event == null) {
				throw new IllegalArgumentException("a cancel rule names no event: " + cancel);
			}
			String condition = Op.text(cancel, "if");
			rules.add(new FunctionDefinition.CancelRule(InngestEvents.fanoutName(event),
					(condition != null) ? spel(condition, "cancel.if") : null,
					optionalDuration(cancel, "timeout", "cancel.timeout")));
		}
		return rules.toArray(FunctionDefinition.CancelRule[]::new);
	}

	private static FlowControl flow(JsonNode function) {
		if (function.path("batchEvents").has("if")) {
			// A batch that only some events may join has no counterpart in fanout's
			// @Batch.
			throw new IllegalArgumentException("batchEvents.if is not supported");
		}
		JsonNode singleton = function.has("singleton") ? function.get("singleton") : function.path("Singleton");
		FlowControl flow = new FlowControl(concurrency(function.path("concurrency")),
				throttle(function.path("throttle")), rateLimit(function.path("rateLimit")),
				debounce(function.path("debounce")), batch(function.path("batchEvents")),
				key(function.path("priority"), "run", "priority.run"), idempotency(function), singleton(singleton));
		if (flow.batch() != null && (flow.debounce() != null || flow.singleton() != null)) {
			throw new IllegalArgumentException("batchEvents cannot be combined with debounce or singleton on fanout");
		}
		return flow;
	}

	private static List<FlowControl.ConcurrencyLimit> concurrency(JsonNode concurrency) {
		List<FlowControl.ConcurrencyLimit> limits = new ArrayList<>();
		if (concurrency.isMissingNode() || concurrency.isNull()) {
			return limits;
		}
		if (concurrency.isNumber()) {
			limits.add(new FlowControl.ConcurrencyLimit(positive(concurrency, "concurrency"), null,
					Concurrency.Scope.FUNCTION));
			return limits;
		}
		List<JsonNode> entries = new ArrayList<>();
		if (concurrency.isArray()) {
			concurrency.forEach(entries::add);
		}
		else {
			entries.add(concurrency);
		}
		if (entries.size() > 2) {
			throw new IllegalArgumentException("concurrency has " + entries.size() + " limits; at most 2 are allowed");
		}
		for (JsonNode entry : entries) {
			String scope = (Op.text(entry, "scope") != null) ? Op.text(entry, "scope") : "fn";
			FlowKey key = key(entry, "key", "concurrency.key");
			if (!scope.equals("fn") && key == null) {
				throw new IllegalArgumentException("concurrency with scope '" + scope + "' needs a key on fanout");
			}
			limits.add(new FlowControl.ConcurrencyLimit(positive(entry.path("limit"), "concurrency.limit"), key,
					scope.equals("fn") ? Concurrency.Scope.FUNCTION : Concurrency.Scope.GLOBAL));
		}
		return limits;
	}

	private static FlowControl.@Nullable ThrottleRule throttle(JsonNode throttle) {
		if (throttle.isMissingNode() || throttle.isNull()) {
			return null;
		}
		int burst = throttle.has("burst") ? positive(throttle.get("burst"), "throttle.burst") : 1;
		return new FlowControl.ThrottleRule(positive(throttle.path("limit"), "throttle.limit"),
				period(throttle, "period", "throttle.period"), burst, key(throttle, "key", "throttle.key"));
	}

	private static FlowControl.@Nullable RateLimitRule rateLimit(JsonNode rateLimit) {
		if (rateLimit.isMissingNode() || rateLimit.isNull()) {
			return null;
		}
		return new FlowControl.RateLimitRule(positive(rateLimit.path("limit"), "rateLimit.limit"),
				period(rateLimit, "period", "rateLimit.period"), key(rateLimit, "key", "rateLimit.key"));
	}

	private static FlowControl.@Nullable DebounceRule debounce(JsonNode debounce) {
		if (debounce.isMissingNode() || debounce.isNull()) {
			return null;
		}
		Duration period = period(debounce, "period", "debounce.period");
		Duration timeout = optionalDuration(debounce, "timeout", "debounce.timeout");
		if (timeout != null && timeout.compareTo(period) < 0) {
			throw new IllegalArgumentException("debounce.timeout is shorter than debounce.period");
		}
		return new FlowControl.DebounceRule(period, key(debounce, "key", "debounce.key"), timeout);
	}

	private static FlowControl.@Nullable BatchRule batch(JsonNode batch) {
		if (batch.isMissingNode() || batch.isNull()) {
			return null;
		}
		int maxSize = positive(batch.path("maxSize"), "batchEvents.maxSize");
		if (maxSize > 1000) {
			throw new IllegalArgumentException("batchEvents.maxSize must be 1 to 1000, not " + maxSize);
		}
		return new FlowControl.BatchRule(maxSize, period(batch, "timeout", "batchEvents.timeout"),
				key(batch, "key", "batchEvents.key"));
	}

	private static FlowControl.@Nullable IdempotencyRule idempotency(JsonNode function) {
		String key = Op.text(function, "idempotency");
		if (key == null) {
			return null;
		}
		return new FlowControl.IdempotencyRule(FlowKey.parse(spel(key, "idempotency"), "idempotency"),
				IDEMPOTENCY_PERIOD);
	}

	private static FlowControl.@Nullable SingletonRule singleton(JsonNode singleton) {
		if (singleton.isMissingNode() || singleton.isNull()) {
			return null;
		}
		String mode = Op.text(singleton, "mode");
		if (!"skip".equals(mode) && !"cancel".equals(mode)) {
			throw new IllegalArgumentException("singleton.mode must be skip or cancel, not " + mode);
		}
		return new FlowControl.SingletonRule(key(singleton, "key", "singleton.key"),
				"skip".equals(mode) ? Singleton.Mode.SKIP : Singleton.Mode.CANCEL);
	}

	private static @Nullable FlowKey key(JsonNode node, String field, String what) {
		String source = Op.text(node, field);
		return (source != null) ? FlowKey.parse(spel(source, what), what) : null;
	}

	private static String spel(String cel, String what) {
		try {
			return CelExpressions.toSpel(cel);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(what + ": " + ex.getMessage(), ex);
		}
	}

	private static int positive(JsonNode value, String what) {
		if (!value.isIntegralNumber() || value.asInt() < 1) {
			throw new IllegalArgumentException(what + " must be a whole number of at least 1, not " + value);
		}
		return value.asInt();
	}

	private static Duration period(JsonNode node, String field, String what) {
		Duration duration = optionalDuration(node, field, what);
		if (duration == null || duration.isZero()) {
			throw new IllegalArgumentException(what + " must be a positive time such as 1m, not " + node.get(field));
		}
		return duration;
	}

	private static @Nullable Duration optionalDuration(JsonNode node, String field, String what) {
		String text = Op.text(node, field);
		return (text != null) ? RemoteTimes.duration(text, what) : null;
	}

	private static String quoted(String text) {
		return text.replace("'", "''");
	}

	/**
	 * A URL as the app gave it, without the {@code deployId} JavaScript leaves in it.
	 * @param url the URL
	 * @return the URL without that parameter
	 */
	static String withoutDeployId(String url) {
		return RemoteFunction.withoutParameter(URI.create(url), "deployId").toString();
	}

	/**
	 * How a function's body is made for its URL.
	 */
	@FunctionalInterface
	public interface Bodies {

		/**
		 * The body of a function.
		 * @param url the function's URL
		 * @param cron its cron expression, or {@code null}
		 * @return its body
		 */
		RemoteFunction body(URI url, @Nullable String cron);

	}

	/**
	 * An app's functions as synced.
	 *
	 * @param appId the app's id
	 * @param sdk the SDK and its version, such as {@code js:v4.24.0}
	 * @param functions the functions fanout runs
	 * @param refused why each other function is not run, by function id
	 */
	public record Synced(String appId, String sdk, List<FunctionDefinition> functions, Map<String, String> refused) {
	}

	private record Triggers(List<String> events, @Nullable Expression filter, @Nullable String cron) {
	}

}
