package dev.fanout.engine.function;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.fanout.Concurrency;
import dev.fanout.Singleton;

/**
 * A function's flow control as the function table keeps it, so that a send from any
 * application applies the rules of the function it creates runs of: plain maps of numbers
 * (durations in milliseconds) and the keys' expression texts.
 */
final class FlowControlJson {

	private FlowControlJson() {
	}

	static Map<String, Object> toMap(FlowControl flow) {
		Map<String, Object> json = new LinkedHashMap<>();
		List<Map<String, Object>> limits = new ArrayList<>();
		for (FlowControl.ConcurrencyLimit limit : flow.concurrency()) {
			limits.add(rule("limit", limit.limit(), "key", source(limit.key()), "scope", limit.scope().name()));
		}
		json.put("concurrency", limits);
		if (flow.throttle() != null) {
			FlowControl.ThrottleRule throttle = flow.throttle();
			json.put("throttle", rule("limit", throttle.limit(), "periodMillis", throttle.period().toMillis(), "burst",
					throttle.burst(), "key", source(throttle.key())));
		}
		if (flow.rateLimit() != null) {
			FlowControl.RateLimitRule rate = flow.rateLimit();
			json.put("rateLimit",
					rule("limit", rate.limit(), "periodMillis", rate.period().toMillis(), "key", source(rate.key())));
		}
		if (flow.debounce() != null) {
			FlowControl.DebounceRule debounce = flow.debounce();
			json.put("debounce", rule("periodMillis", debounce.period().toMillis(), "key", source(debounce.key()),
					"timeoutMillis", (debounce.timeout() != null) ? debounce.timeout().toMillis() : null));
		}
		if (flow.batch() != null) {
			FlowControl.BatchRule batch = flow.batch();
			json.put("batch", rule("maxSize", batch.maxSize(), "timeoutMillis", batch.timeout().toMillis(), "key",
					source(batch.key())));
		}
		json.put("priority", source(flow.priority()));
		if (flow.idempotency() != null) {
			FlowControl.IdempotencyRule idempotency = flow.idempotency();
			json.put("idempotency",
					rule("key", idempotency.key().source(), "periodMillis", idempotency.period().toMillis()));
		}
		if (flow.singleton() != null) {
			json.put("singleton", rule("key", source(flow.singleton().key()), "mode", flow.singleton().mode().name()));
		}
		return json;
	}

	@SuppressWarnings("unchecked")
	static FlowControl fromMap(@Nullable Map<String, Object> json) {
		if (json == null) {
			return FlowControl.NONE;
		}
		List<FlowControl.ConcurrencyLimit> limits = new ArrayList<>();
		for (Map<String, Object> limit : (List<Map<String, Object>>) json.getOrDefault("concurrency", List.of())) {
			limits.add(new FlowControl.ConcurrencyLimit(number(limit, "limit"), key(limit.get("key")),
					Concurrency.Scope.valueOf((String) limit.get("scope"))));
		}
		return new FlowControl(limits,
				rule(json, "throttle",
						(rule) -> new FlowControl.ThrottleRule(number(rule, "limit"), millis(rule, "periodMillis"),
								number(rule, "burst"), key(rule.get("key")))),
				rule(json, "rateLimit",
						(rule) -> new FlowControl.RateLimitRule(number(rule, "limit"), millis(rule, "periodMillis"),
								key(rule.get("key")))),
				rule(json, "debounce",
						(rule) -> new FlowControl.DebounceRule(millis(rule, "periodMillis"), key(rule.get("key")),
								(rule.get("timeoutMillis") != null) ? millis(rule, "timeoutMillis") : null)),
				rule(json, "batch",
						(rule) -> new FlowControl.BatchRule(number(rule, "maxSize"), millis(rule, "timeoutMillis"),
								key(rule.get("key")))),
				key(json.get("priority")),
				rule(json, "idempotency",
						(rule) -> new FlowControl.IdempotencyRule(
								FlowKey.parse((String) rule.get("key"), "@Idempotency key"),
								millis(rule, "periodMillis"))),
				rule(json, "singleton", (rule) -> new FlowControl.SingletonRule(key(rule.get("key")),
						Singleton.Mode.valueOf((String) rule.get("mode")))));
	}

	private static Map<String, Object> rule(Object... pairs) {
		Map<String, Object> rule = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			rule.put((String) pairs[i], pairs[i + 1]);
		}
		return rule;
	}

	@SuppressWarnings("unchecked")
	private static <T> @Nullable T rule(Map<String, Object> json, String name, Function<Map<String, Object>, T> read) {
		Object rule = json.get(name);
		return (rule != null) ? read.apply((Map<String, Object>) rule) : null;
	}

	private static @Nullable String source(@Nullable FlowKey key) {
		return (key != null) ? key.source() : null;
	}

	private static @Nullable FlowKey key(@Nullable Object source) {
		return (source != null) ? FlowKey.parse((String) source, "flow-control key") : null;
	}

	private static int number(Map<String, Object> rule, String name) {
		return ((Number) rule.get(name)).intValue();
	}

	private static Duration millis(Map<String, Object> rule, String name) {
		return Duration.ofMillis(((Number) rule.get(name)).longValue());
	}

}
