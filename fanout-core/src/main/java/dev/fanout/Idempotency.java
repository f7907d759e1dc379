package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * At most one run per value of {@link #key()} per {@link #period()}, whatever the event
 * ids: later events for the key within the period create no run (they are skipped, and
 * counted). Replays are not limited. Mirrors Inngest's {@code idempotency}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotency {

	/**
	 * A SpEL expression over {@code event}, such as {@code event.data.orderId}.
	 * @return the key expression
	 */
	String key();

	/**
	 * How long a key keeps out later runs, as a duration such as {@code 24h}.
	 * @return the period
	 */
	String period() default "24h";

}
