package dev.fanout.engine;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.classify.BinaryExceptionClassifier;
import org.springframework.expression.Expression;

import dev.fanout.Event;

/**
 * A function the engine can run: its id, what triggers it, how it retries and how to call
 * it.
 *
 * @param id the function id
 * @param name the display name
 * @param triggers the trigger event names; a trailing {@code *} matches a prefix
 * @param filter the filter expression, or {@code null}
 * @param retries the retries after a first attempt
 * @param retryable says whether an exception may be retried
 * @param backoff the delays between attempts
 * @param invoker calls the function
 * @param source where the function is declared (bean and method), for messages
 */
public record FunctionDefinition(String id, String name, List<String> triggers, @Nullable Expression filter,
		int retries, BinaryExceptionClassifier retryable, Backoff backoff, FunctionInvoker invoker, String source) {

	public FunctionDefinition {
		// A trigger listed twice must still give one run per event.
		triggers = triggers.stream().distinct().toList();
	}

	/**
	 * Whether the function is triggered by an event: its name matches a trigger and the
	 * filter, if any, is true.
	 * @param event the event
	 * @return whether the event triggers the function
	 */
	public boolean isTriggeredBy(Event event) {
		return this.triggers.stream().anyMatch((trigger) -> matches(trigger, event.name()))
				&& (this.filter == null || EventExpressions.isTrue(this.filter, event));
	}

	static boolean matches(String trigger, String eventName) {
		return trigger.endsWith("*") ? eventName.startsWith(trigger.substring(0, trigger.length() - 1))
				: trigger.equals(eventName);
	}

}
