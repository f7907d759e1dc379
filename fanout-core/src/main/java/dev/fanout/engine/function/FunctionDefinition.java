package dev.fanout.engine.function;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.classify.BinaryExceptionClassifier;
import org.springframework.expression.Expression;

import dev.fanout.Event;
import dev.fanout.RetryAfterException;
import dev.fanout.StepFailedException;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.engine.support.Errors;

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
 * @param invoker calls the function: a method, or an application elsewhere
 * @param source where the function is declared (bean and method), for messages
 * @param cancelOn the events that cancel its runs
 * @param startTimeout the longest wait from event to first start, or {@code null}
 * @param finishTimeout the longest time from first start to end, or {@code null}
 * @param cron the schedule that also triggers it, or {@code null}
 * @param flow how its runs are let through: concurrency, throttle, rate limit and the
 * rest
 */
public record FunctionDefinition(String id, String name, List<String> triggers, @Nullable Expression filter,
		int retries, BinaryExceptionClassifier retryable, Backoff backoff, FunctionBody invoker, String source,
		List<CancelRule> cancelOn, @Nullable Duration startTimeout, @Nullable Duration finishTimeout,
		@Nullable CronSchedule cron, FlowControl flow) {

	public FunctionDefinition {
		// A trigger listed twice must still give one run per event.
		triggers = triggers.stream().distinct().toList();
		cancelOn = List.copyOf(cancelOn);
	}

	/**
	 * A function without cancellations or timeouts.
	 * @param id the function id
	 * @param name the display name
	 * @param triggers the trigger event names
	 * @param filter the filter expression, or {@code null}
	 * @param retries the retries after a first attempt
	 * @param retryable says whether an exception may be retried
	 * @param backoff the delays between attempts
	 * @param invoker calls the function
	 * @param source where the function is declared
	 */
	public FunctionDefinition(String id, String name, List<String> triggers, @Nullable Expression filter, int retries,
			BinaryExceptionClassifier retryable, Backoff backoff, FunctionInvoker invoker, String source) {
		this(id, name, triggers, filter, retries, retryable, backoff, invoker, source, List.of(), null, null, null,
				FlowControl.NONE);
	}

	/**
	 * An event that cancels a run of the function.
	 *
	 * @param event the event name
	 * @param match the match expression's text, or {@code null} for any event of that
	 * name
	 * @param timeout how long after the run's creation the rule applies, or {@code null}
	 */
	public record CancelRule(String event, @Nullable String match, @Nullable Duration timeout) {
	}

	/**
	 * Whether the function is triggered by an event: its name matches a trigger and the
	 * filter, if any, is true; or it is one of this function's cron ticks.
	 * @param event the event
	 * @return whether the event triggers the function
	 */
	public boolean isTriggeredBy(Event event) {
		return isTriggeredBy(this.triggers, this.filter, event)
				|| (this.cron != null && SystemEvents.CRON.equals(event.name())
						&& this.id.equals(event.data().get(SystemEvents.CRON_FUNCTION_ID)));
	}

	static boolean isTriggeredBy(List<String> triggers, @Nullable Expression filter, Event event) {
		return triggers.stream().anyMatch((trigger) -> matches(trigger, event.name()))
				&& (filter == null || EventExpressions.isTrue(filter, event));
	}

	/**
	 * When a failed attempt may be made again: never for a step's final failure, an error
	 * that is not retryable ({@code NonRetriableException}, {@code noRetryFor}) or once
	 * the retries are used up; else when a {@link RetryAfterException} says, or after the
	 * backoff.
	 * @param error what the attempt threw
	 * @param failures how many attempts have failed, this one included
	 * @param now the time of the failure
	 * @return when to try again, or {@code null} not to
	 */
	public @Nullable Instant retryAt(Throwable error, int failures, Instant now) {
		if (error instanceof StepFailedException || failures > this.retries || !this.retryable.classify(error)) {
			return null;
		}
		RetryAfterException retryAfter = Errors.retryAfter(error);
		if (retryAfter != null) {
			return retryAfter.retryAt(now);
		}
		return now.plus(this.backoff.delay(failures));
	}

	static boolean matches(String trigger, String eventName) {
		return trigger.endsWith("*") ? eventName.startsWith(trigger.substring(0, trigger.length() - 1))
				: trigger.equals(eventName);
	}

}
