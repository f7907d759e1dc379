package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Cancels a function's run when a matching event arrives: a queued, sleeping or waiting
 * run at once, a running one after its current step. Mirrors Inngest's {@code cancelOn}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(CancelOn.List.class)
public @interface CancelOn {

	/**
	 * The name of the event that cancels. It may be the trigger's own name: the run's
	 * trigger never cancels it, later events do.
	 * @return the event name
	 */
	String event();

	/**
	 * A SpEL expression over {@code event} (the run's trigger) and {@code async} (the
	 * arriving event) that must be true, such as
	 * {@code async.data.userId == event.data.userId}; empty for any event of that name.
	 * @return the match expression
	 */
	String match() default "";

	/**
	 * How long after the run is created the cancellation applies, as a duration such as
	 * {@code 30m} or {@code PT30M}; empty for as long as the run lasts.
	 * @return the timeout
	 */
	String timeout() default "";

	/**
	 * Several {@link CancelOn} on one function.
	 */
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface List {

		/**
		 * The cancellations.
		 * @return the cancellations
		 */
		CancelOn[] value();

	}

}
