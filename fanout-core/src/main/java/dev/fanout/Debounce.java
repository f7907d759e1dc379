package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Waits for events to settle: a run starts {@link #period()} after the last event for a
 * value of {@link #key()}, with that last event as its trigger; the earlier events of the
 * window create no run of their own. With {@link #timeout()}, the run starts at the
 * latest that long after the window's first event. Mirrors Inngest's {@code debounce}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Debounce {

	/**
	 * How long after the last event the run starts, as a duration such as {@code 5m}.
	 * @return the period
	 */
	String period();

	/**
	 * A SpEL expression over {@code event} whose value is debounced apart; empty for one.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * The longest delay from the window's first event, as a duration; empty for none.
	 * @return the timeout
	 */
	String timeout() default "";

}
