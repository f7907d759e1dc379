package dev.fanout.engine.function;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.util.StringUtils;

import dev.fanout.CancelOn;
import dev.fanout.EventFunction;
import dev.fanout.Timeouts;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.spi.PayloadSerializer;

/**
 * Builds {@link FunctionDefinition}s from {@link EventFunction} methods, failing with a
 * message that names the bean, the method and the function id.
 */
public final class AnnotatedFunctions {

	private AnnotatedFunctions() {
	}

	/**
	 * Per-function settings that override the annotation.
	 *
	 * @param retries the retries, or {@code null} to keep the annotation's
	 * @param backoff the backoff, or {@code null} for the default
	 * @param concurrency the limit of the first {@code @Concurrency}, or of a new one, or
	 * {@code null} to keep the annotations'
	 */
	public record Overrides(@Nullable Integer retries, @Nullable Backoff backoff, @Nullable Integer concurrency) {

		/** No overrides. */
		public static final Overrides NONE = new Overrides(null, null, null);

	}

	/**
	 * Build the definition of an annotated method.
	 * @param beanName the bean name, for messages
	 * @param bean the bean to call (a proxy, if any)
	 * @param method the method, invocable on the bean
	 * @param annotation the method's annotation
	 * @param overrides per-function settings
	 * @param defaultBackoff the backoff when none is set for the function
	 * @param serializer the payload serializer
	 * @return the definition
	 * @throws IllegalStateException if the declaration is invalid, saying why
	 */
	public static FunctionDefinition of(String beanName, Object bean, Method method, EventFunction annotation,
			Overrides overrides, Backoff defaultBackoff, PayloadSerializer serializer) {
		String id = annotation.id();
		String source = "bean '" + beanName + "' method " + method.getDeclaringClass().getSimpleName() + "."
				+ method.getName() + "()";
		try {
			return build(bean, method, annotation, overrides, defaultBackoff, serializer, source);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid @EventFunction '" + id + "' on " + source + ": " + ex.getMessage(),
					ex);
		}
	}

	private static FunctionDefinition build(Object bean, Method method, EventFunction annotation, Overrides overrides,
			Backoff defaultBackoff, PayloadSerializer serializer, String source) {
		String id = annotation.id();
		if (!StringUtils.hasText(id) || id.length() > 128) {
			throw new IllegalArgumentException("id must be 1 to 128 characters");
		}
		List<String> triggers = Arrays.stream(annotation.event()).map(String::trim).toList();
		CronSchedule cron = StringUtils.hasText(annotation.cron()) ? CronSchedule.parse(annotation.cron()) : null;
		if ((triggers.isEmpty() && cron == null) || triggers.stream().anyMatch((t) -> !StringUtils.hasText(t))) {
			throw new IllegalArgumentException("it has no trigger: set event = \"...\" or cron = \"...\"");
		}
		for (String trigger : triggers) {
			if (trigger.indexOf('*') >= 0 && trigger.indexOf('*') != trigger.length() - 1) {
				throw new IllegalArgumentException("event '" + trigger
						+ "' has a '*' that is not at the end; only a trailing '*' (prefix) is supported");
			}
		}
		int retries = (overrides.retries() != null) ? overrides.retries() : annotation.retries();
		if (retries < 0 || retries > 20) {
			throw new IllegalArgumentException("retries must be between 0 and 20, not " + retries);
		}
		Expression filter = StringUtils.hasText(annotation.filter()) ? filter(annotation.filter()) : null;
		String name = StringUtils.hasText(annotation.name()) ? annotation.name() : id;
		Backoff backoff = (overrides.backoff() != null) ? overrides.backoff() : defaultBackoff;
		Timeouts timeouts = AnnotatedElementUtils.findMergedAnnotation(method, Timeouts.class);
		return new FunctionDefinition(id, name, triggers, filter, retries,
				RetrySupport.retryableClassifier(List.of(annotation.noRetryFor())), backoff,
				FunctionInvoker.of(bean, method, serializer), source, cancelRules(method),
				(timeouts != null) ? optionalDuration(timeouts.start(), "@Timeouts start") : null,
				(timeouts != null) ? optionalDuration(timeouts.finish(), "@Timeouts finish") : null, cron,
				FlowControls.read(method, overrides.concurrency()));
	}

	private static List<FunctionDefinition.CancelRule> cancelRules(Method method) {
		List<FunctionDefinition.CancelRule> rules = new ArrayList<>();
		for (CancelOn cancelOn : AnnotatedElementUtils.findMergedRepeatableAnnotations(method, CancelOn.class)) {
			if (!StringUtils.hasText(cancelOn.event())) {
				throw new IllegalArgumentException("@CancelOn needs an event name");
			}
			String match = StringUtils.hasText(cancelOn.match()) ? cancelOn.match() : null;
			if (match != null) {
				try {
					EventExpressions.parse(match);
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("@CancelOn match " + ex.getMessage(), ex);
				}
			}
			rules.add(new FunctionDefinition.CancelRule(cancelOn.event(), match,
					optionalDuration(cancelOn.timeout(), "@CancelOn timeout")));
		}
		return rules;
	}

	private static @Nullable Duration optionalDuration(String text, String what) {
		if (!StringUtils.hasText(text)) {
			return null;
		}
		Duration duration = Durations.parse(text, what);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(what + " must be positive, not '" + text + "'");
		}
		return duration;
	}

	private static Expression filter(String source) {
		try {
			return EventExpressions.parse(source);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("filter " + ex.getMessage(), ex);
		}
	}

}
