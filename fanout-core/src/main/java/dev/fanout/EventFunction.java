package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a durable function that runs once for every event that triggers
 * it, and once for every tick of its cron schedule, if it has one.
 * <p>
 * Parameters, in any order and each optional: {@link Event} (the trigger),
 * {@link StepContext}, {@link RunContext}, and at most one other parameter that receives
 * the event's {@code data} converted to its type. The return value, if any, becomes the
 * run's output.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventFunction {

	/**
	 * The function id: unique within the application and stable across deploys, since
	 * stored runs refer to it.
	 * @return the function id
	 */
	String id();

	/**
	 * A display name; the id when empty.
	 * @return the display name
	 */
	String name() default "";

	/**
	 * Names of the events that trigger the function. A trailing {@code *} matches a
	 * prefix, for example {@code app/user.*}.
	 * @return the trigger event names
	 */
	String[] event() default {};

	/**
	 * A schedule: a Spring cron expression (six fields, seconds first, such as
	 * {@code 0 0 9 * * MON-FRI}, or a macro such as {@code @daily}), optionally preceded
	 * by a time zone, {@code TZ=Europe/Paris 0 0 9 * * *}; UTC by default. Each tick
	 * creates one run across all instances of the application, triggered by the event
	 * {@code fanout/cron} with data {@code {function_id, tick}}. After downtime only the
	 * latest missed tick runs; a new function first runs at its first tick after the
	 * application first started with it.
	 * @return the cron expression, or empty for none
	 */
	String cron() default "";

	/**
	 * A SpEL expression over {@code event} that must be true for an event to trigger the
	 * function, for example {@code event.data.plan == 'pro'}.
	 * @return the filter expression, or empty for none
	 */
	String filter() default "";

	/**
	 * How many times a failing step (or the function body outside steps) is retried after
	 * its first attempt, from 0 to 20. Overridden by
	 * {@code fanout.functions.<id>.retries}.
	 * @return the number of retries
	 */
	int retries() default 4;

	/**
	 * Exceptions that fail a step or the run at once, without retries (their subclasses
	 * and causes too).
	 * @return the exception types that are not retried
	 */
	Class<? extends Throwable>[] noRetryFor() default {};

}
