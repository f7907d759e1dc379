package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives one run several events: up to {@link #maxSize()}, per value of {@link #key()} if
 * one is given, started when the batch is full or {@link #timeout()} after its first
 * event. The function takes {@code List<Event>} (and {@link RunContext#events()} returns
 * them); each event of the batch maps to that one run. Mirrors Inngest's
 * {@code batchEvents}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Batch {

	/**
	 * The most events in one run, 1 to 1,000.
	 * @return the size
	 */
	int maxSize();

	/**
	 * How long after its first event a batch starts, full or not, as a duration such as
	 * {@code 5s}.
	 * @return the timeout
	 */
	String timeout();

	/**
	 * A SpEL expression over {@code event} whose value is batched apart; empty for one.
	 * @return the key expression
	 */
	String key() default "";

}
