package dev.fanout.engine.function;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;

import dev.fanout.Batch;
import dev.fanout.Concurrency;
import dev.fanout.Debounce;
import dev.fanout.Idempotency;
import dev.fanout.Priority;
import dev.fanout.RateLimit;
import dev.fanout.Singleton;
import dev.fanout.Throttle;

/**
 * Reads the flow-control annotations of a function method, with errors that name the
 * annotation and the value at fault (the caller names the function).
 */
final class FlowControls {

	private FlowControls() {
	}

	/**
	 * Read the flow control of a method.
	 * @param method the method
	 * @param concurrencyOverride a limit that replaces the first {@code @Concurrency}'s,
	 * or sets one, or {@code null}
	 * @return the flow control
	 * @throws IllegalArgumentException naming what is wrong
	 */
	static FlowControl read(Method method, @Nullable Integer concurrencyOverride) {
		Throttle throttle = find(method, Throttle.class);
		RateLimit rateLimit = find(method, RateLimit.class);
		Debounce debounce = find(method, Debounce.class);
		Batch batch = find(method, Batch.class);
		Priority priority = find(method, Priority.class);
		Idempotency idempotency = find(method, Idempotency.class);
		Singleton singleton = find(method, Singleton.class);
		FlowControl flow = new FlowControl(concurrency(method, concurrencyOverride),
				(throttle != null) ? throttle(throttle) : null, (rateLimit != null) ? rateLimit(rateLimit) : null,
				(debounce != null) ? debounce(debounce) : null, (batch != null) ? batch(batch) : null,
				(priority != null) ? FlowKey.parse(priority.run(), "@Priority run") : null,
				(idempotency != null) ? idempotency(idempotency) : null,
				(singleton != null)
						? new FlowControl.SingletonRule(key(singleton.key(), "@Singleton key"), singleton.mode())
						: null);
		refuseConflicts(flow);
		return flow;
	}

	private static List<FlowControl.ConcurrencyLimit> concurrency(Method method, @Nullable Integer override) {
		Set<Concurrency> declared = AnnotatedElementUtils.findMergedRepeatableAnnotations(method, Concurrency.class);
		if (declared.size() > 2) {
			throw new IllegalArgumentException("it has " + declared.size() + " @Concurrency; at most two are allowed");
		}
		List<FlowControl.ConcurrencyLimit> limits = new ArrayList<>();
		for (Concurrency concurrency : declared) {
			FlowKey key = key(concurrency.key(), "@Concurrency key");
			if (key == null && concurrency.scope() == Concurrency.Scope.GLOBAL) {
				throw new IllegalArgumentException(
						"@Concurrency with scope GLOBAL needs a key, such as key = \"'stripe'\"");
			}
			limits.add(new FlowControl.ConcurrencyLimit(atLeastOne(concurrency.limit(), "@Concurrency limit"), key,
					concurrency.scope()));
		}
		if (override != null) {
			int limit = atLeastOne(override, "fanout.functions.<id>.concurrency");
			if (limits.isEmpty()) {
				limits.add(new FlowControl.ConcurrencyLimit(limit, null, Concurrency.Scope.FUNCTION));
			}
			else {
				FlowControl.ConcurrencyLimit first = limits.get(0);
				limits.set(0, new FlowControl.ConcurrencyLimit(limit, first.key(), first.scope()));
			}
		}
		return limits;
	}

	private static FlowControl.ThrottleRule throttle(Throttle throttle) {
		return new FlowControl.ThrottleRule(atLeastOne(throttle.limit(), "@Throttle limit"),
				period(throttle.period(), "@Throttle period"), atLeastOne(throttle.burst(), "@Throttle burst"),
				key(throttle.key(), "@Throttle key"));
	}

	private static FlowControl.RateLimitRule rateLimit(RateLimit rateLimit) {
		return new FlowControl.RateLimitRule(atLeastOne(rateLimit.limit(), "@RateLimit limit"),
				period(rateLimit.period(), "@RateLimit period"), key(rateLimit.key(), "@RateLimit key"));
	}

	private static FlowControl.DebounceRule debounce(Debounce debounce) {
		Duration period = period(debounce.period(), "@Debounce period");
		Duration timeout = StringUtils.hasText(debounce.timeout()) ? period(debounce.timeout(), "@Debounce timeout")
				: null;
		if (timeout != null && timeout.compareTo(period) < 0) {
			throw new IllegalArgumentException(
					"@Debounce timeout " + debounce.timeout() + " is shorter than its period " + debounce.period());
		}
		return new FlowControl.DebounceRule(period, key(debounce.key(), "@Debounce key"), timeout);
	}

	private static FlowControl.BatchRule batch(Batch batch) {
		if (batch.maxSize() < 1 || batch.maxSize() > 1000) {
			throw new IllegalArgumentException("@Batch maxSize must be 1 to 1000, not " + batch.maxSize());
		}
		return new FlowControl.BatchRule(batch.maxSize(), period(batch.timeout(), "@Batch timeout"),
				key(batch.key(), "@Batch key"));
	}

	private static FlowControl.IdempotencyRule idempotency(Idempotency idempotency) {
		FlowKey key = key(idempotency.key(), "@Idempotency key");
		if (key == null) {
			throw new IllegalArgumentException("@Idempotency needs a key, such as key = \"event.data.orderId\"");
		}
		return new FlowControl.IdempotencyRule(key, period(idempotency.period(), "@Idempotency period"));
	}

	/**
	 * A batch gathers events into one run; a debounce or a singleton decides per event
	 * which run it makes: together they have no clear meaning.
	 */
	private static void refuseConflicts(FlowControl flow) {
		if (flow.batch() != null && flow.debounce() != null) {
			throw new IllegalArgumentException("@Batch and @Debounce cannot be combined");
		}
		if (flow.batch() != null && flow.singleton() != null) {
			throw new IllegalArgumentException("@Batch and @Singleton cannot be combined");
		}
	}

	private static @Nullable FlowKey key(String source, String what) {
		return StringUtils.hasText(source) ? FlowKey.parse(source, what) : null;
	}

	private static Duration period(String text, String what) {
		Duration duration = Durations.parse(text, what);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(what + " must be positive, not '" + text + "'");
		}
		return duration;
	}

	private static int atLeastOne(int value, String what) {
		if (value < 1) {
			throw new IllegalArgumentException(what + " must be at least 1, not " + value);
		}
		return value;
	}

	private static <A extends java.lang.annotation.Annotation> @Nullable A find(Method method, Class<A> type) {
		return AnnotatedElementUtils.findMergedAnnotation(method, type);
	}

}
