package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how many runs a function gets: at most {@link #limit()} per {@link #period()}
 * per value of {@link #key()}, across every instance. An event over the limit creates no
 * run (it is skipped, and counted); it is not delayed. Replays are not limited. Mirrors
 * Inngest's {@code rateLimit}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimit {

	/**
	 * The most runs per period, at least 1.
	 * @return the limit
	 */
	int limit();

	/**
	 * The period, as a duration such as {@code 1h} or {@code PT1H}.
	 * @return the period
	 */
	String period();

	/**
	 * A SpEL expression over {@code event} whose value has its own limit, such as
	 * {@code event.data.user.id}; empty for one limit.
	 * @return the key expression
	 */
	String key() default "";

}
