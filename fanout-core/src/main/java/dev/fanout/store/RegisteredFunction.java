package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A function as the registry of applications sharing the database holds it: what a sender
 * of any application needs to create its runs. Built through {@link #of}; the store's row
 * mapper alone uses the constructor.
 *
 * @param appId the application that runs it
 * @param functionId the function id
 * @param name the display name
 * @param triggers the trigger event names, as a JSON array
 * @param filter the filter expression, or {@code null}
 * @param cancelOn the cancellation rules, as a JSON array of {@code {event, match,
 * timeoutMillis}}
 * @param startTimeoutMillis the start timeout in milliseconds, or {@code null}
 * @param flowControl its flow control, as JSON, or {@code null} for none
 * @param registeredAt when its application last registered it
 * @param lastSeen when its application was last seen running
 * @param retries its retries after a first attempt, or {@code null} if its application
 * did not say (an earlier version registered it)
 * @since 0.1.0
 */
public record RegisteredFunction(String appId, String functionId, String name, String triggers, @Nullable String filter,
		String cancelOn, @Nullable Long startTimeoutMillis, @Nullable String flowControl, Instant registeredAt,
		Instant lastSeen, @Nullable Integer retries) {

	/**
	 * Start describing a function of an application.
	 * @param appId the application that runs it
	 * @param functionId the function id
	 * @param name the display name
	 * @return a builder whose last call registers the function
	 */
	public static Builder of(String appId, String functionId, String name) {
		return new Builder(appId, functionId, name);
	}

	/**
	 * Builds a {@link RegisteredFunction}: set what the function has, then the time it is
	 * registered.
	 */
	public static final class Builder {

		private final String appId;

		private final String functionId;

		private final String name;

		private String triggers = "[]";

		private @Nullable String filter;

		private String cancelOn = "[]";

		private @Nullable Long startTimeoutMillis;

		private @Nullable String flowControl;

		private @Nullable Integer retries;

		private Builder(String appId, String functionId, String name) {
			this.appId = appId;
			this.functionId = functionId;
			this.name = name;
		}

		/**
		 * Set the trigger event names.
		 * @param triggers the names as a JSON array, {@code []} by default
		 * @return this builder
		 */
		public Builder triggers(String triggers) {
			this.triggers = triggers;
			return this;
		}

		/**
		 * Set the filter expression.
		 * @param filter the expression, or {@code null} (the default) for none
		 * @return this builder
		 */
		public Builder filter(@Nullable String filter) {
			this.filter = filter;
			return this;
		}

		/**
		 * Set the cancellation rules.
		 * @param cancelOn the rules as a JSON array, {@code []} by default
		 * @return this builder
		 */
		public Builder cancelOn(String cancelOn) {
			this.cancelOn = cancelOn;
			return this;
		}

		/**
		 * Set the start timeout.
		 * @param startTimeoutMillis the timeout in milliseconds, or {@code null} (the
		 * default) for none
		 * @return this builder
		 */
		public Builder startTimeoutMillis(@Nullable Long startTimeoutMillis) {
			this.startTimeoutMillis = startTimeoutMillis;
			return this;
		}

		/**
		 * Set the function's flow control, as JSON.
		 * @param flowControl the JSON, or {@code null} for none
		 * @return this builder
		 */
		public Builder flowControl(@Nullable String flowControl) {
			this.flowControl = flowControl;
			return this;
		}

		/**
		 * Set the function's retries.
		 * @param retries the retries after a first attempt, or {@code null} (the default)
		 * if not known
		 * @return this builder
		 */
		public Builder retries(@Nullable Integer retries) {
			this.retries = retries;
			return this;
		}

		/**
		 * The function, registered, and so seen, at a time.
		 * @param at when its application registers it
		 * @return the function
		 */
		public RegisteredFunction registeredAt(Instant at) {
			return new RegisteredFunction(this.appId, this.functionId, this.name, this.triggers, this.filter,
					this.cancelOn, this.startTimeoutMillis, this.flowControl, at, at, this.retries);
		}

	}

}
