package dev.fanout;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds how many runs of a function execute at once, across every instance on the
 * database: at most {@link #limit()} in all, or per value of {@link #key()}. Only running
 * runs hold a slot (a sleeping or waiting run holds none); runs over the limit stay
 * queued and start as slots free up, oldest first per key, with keys served fairly. At
 * most two per function. {@code fanout.functions.<id>.concurrency} overrides the first
 * limit, or sets one. Mirrors Inngest's {@code concurrency}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(Concurrency.List.class)
public @interface Concurrency {

	/**
	 * The most runs executing at once, at least 1.
	 * @return the limit
	 */
	int limit();

	/**
	 * A SpEL expression over {@code event} whose value shares the limit, such as
	 * {@code event.data.customerId}; empty for one limit for the whole function (or, with
	 * {@link Scope#GLOBAL}, required).
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * Whose runs count against the limit.
	 * @return the scope
	 */
	Scope scope() default Scope.FUNCTION;

	/**
	 * Whose runs count against a limit.
	 */
	enum Scope {

		/** This function's runs. */
		FUNCTION,

		/**
		 * The runs of every function, of every application on the database, that declares
		 * the same key value under {@code GLOBAL}: a limit on a shared resource, such as
		 * a third party's API.
		 */
		GLOBAL

	}

	/**
	 * Several {@link Concurrency} on one function (two at most).
	 */
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface List {

		/**
		 * The limits.
		 * @return the limits
		 */
		Concurrency[] value();

	}

}
