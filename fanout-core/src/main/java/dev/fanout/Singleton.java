package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * At most one unfinished run (queued, running, sleeping or waiting) per value of
 * {@link #key()}: an event that arrives while one exists creates no run
 * ({@link Mode#SKIP}), or cancels the existing one and runs ({@link Mode#CANCEL}).
 * Mirrors Inngest's {@code singleton}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Singleton {

	/**
	 * A SpEL expression over {@code event}, such as {@code event.data.user.id}; empty for
	 * one run of the function at a time.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * What an event does while a run for its key exists.
	 * @return the mode
	 */
	Mode mode() default Mode.SKIP;

	/**
	 * What an event does while a run for its key exists.
	 */
	enum Mode {

		/** It creates no run: skipped, and counted. */
		SKIP,

		/**
		 * The existing run is cancelled, with a reason naming the singleton, and it runs.
		 */
		CANCEL

	}

}
