package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Reorders a backlog: among due runs, a run with priority {@code p} is claimed as if it
 * had been queued {@code p} seconds earlier. It never makes a run wait: with no backlog,
 * every run starts at once. Mirrors Inngest's {@code priority}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Priority {

	/**
	 * A SpEL expression over {@code event} that gives a whole number of seconds from -600
	 * to 600, such as {@code event.data.plan == 'enterprise' ? 120 : 0}; a value outside
	 * is brought into that range, and one that cannot be read is 0.
	 * @return the expression
	 */
	String run();

}
