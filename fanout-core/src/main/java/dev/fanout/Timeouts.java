package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Cancels a function's run that waits too long to start or takes too long to finish.
 * Durations are written like {@code 10s}, {@code 5m}, {@code 2h} or {@code PT5M}. Mirrors
 * Inngest's {@code timeouts}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Timeouts {

	/**
	 * The longest time from the event to the run's first start; empty for no limit.
	 * @return the start timeout
	 */
	String start() default "";

	/**
	 * The longest time from the run's first start to its end, sleeps and waits included;
	 * empty for no limit.
	 * @return the finish timeout
	 */
	String finish() default "";

}
