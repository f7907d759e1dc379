package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Spaces out the starts of a function's runs: at most {@link #limit()} start per
 * {@link #period()}, in bursts of at most {@link #burst()}, across every instance, per
 * value of {@link #key()} if one is given. Runs over the rate are delayed, never dropped
 * (the generic cell rate algorithm, as Inngest's {@code throttle}).
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Throttle {

	/**
	 * The most starts per period, at least 1.
	 * @return the limit
	 */
	int limit();

	/**
	 * The period, as a duration such as {@code 1m} or {@code PT1M}.
	 * @return the period
	 */
	String period();

	/**
	 * The most starts at once after a quiet time, at least 1.
	 * @return the burst
	 */
	int burst() default 1;

	/**
	 * A SpEL expression over {@code event} whose value has its own rate; empty for one.
	 * @return the key expression
	 */
	String key() default "";

}
