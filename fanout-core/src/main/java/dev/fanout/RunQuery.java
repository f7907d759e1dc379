package dev.fanout;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Which runs {@link FanoutAdmin#runs(RunQuery)} lists: filters that all apply, newest run
 * first, at most {@code limit} runs a page. To read the next page, pass the id of the
 * last run of this one as the {@code cursor}: pages stay stable while new runs arrive,
 * since run ids sort by creation.
 *
 * @param applicationId only runs of this application's functions, or {@code null} for
 * every application on the database
 * @param functionId only runs of this function, or {@code null} for all
 * @param statuses only runs in one of these statuses, or empty for all
 * @param from only runs created at or after this time, or {@code null}
 * @param to only runs created before this time, or {@code null}
 * @param eventId only runs of this event, or {@code null}
 * @param limit the most runs to return, 1 to {@value #MAX_LIMIT}
 * @param cursor only runs older than the run with this id, or {@code null} for the first
 * page
 * @since 0.1.0
 */
public record RunQuery(@Nullable String applicationId, @Nullable String functionId, Set<RunStatus> statuses,
		@Nullable Instant from, @Nullable Instant to, @Nullable String eventId, int limit, @Nullable String cursor) {

	/** The page size when none is given. */
	public static final int DEFAULT_LIMIT = 100;

	/** The largest page. */
	public static final int MAX_LIMIT = 1000;

	public RunQuery {
		statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
		}
		if (from != null && to != null && !from.isBefore(to)) {
			throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
		}
	}

	/**
	 * A query for the newest runs, to narrow down with the builder.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds a {@link RunQuery}.
	 */
	public static final class Builder {

		private @Nullable String applicationId;

		private @Nullable String functionId;

		private final Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);

		private @Nullable Instant from;

		private @Nullable Instant to;

		private @Nullable String eventId;

		private int limit = DEFAULT_LIMIT;

		private @Nullable String cursor;

		private Builder() {
		}

		/**
		 * Only runs of this application's functions; by default, runs of every
		 * application on the database.
		 * @param applicationId the application id, or {@code null} for every application
		 * @return this builder
		 */
		public Builder application(@Nullable String applicationId) {
			this.applicationId = applicationId;
			return this;
		}

		/**
		 * Only runs of this function.
		 * @param functionId the function id
		 * @return this builder
		 */
		public Builder function(@Nullable String functionId) {
			this.functionId = functionId;
			return this;
		}

		/**
		 * Only runs in one of these statuses; calls add up.
		 * @param statuses the statuses
		 * @return this builder
		 */
		public Builder status(RunStatus... statuses) {
			this.statuses.addAll(Set.of(statuses));
			return this;
		}

		/**
		 * Only runs created at or after this time.
		 * @param from the earliest creation time
		 * @return this builder
		 */
		public Builder from(@Nullable Instant from) {
			this.from = from;
			return this;
		}

		/**
		 * Only runs created before this time.
		 * @param to the end of the range, exclusive
		 * @return this builder
		 */
		public Builder to(@Nullable Instant to) {
			this.to = to;
			return this;
		}

		/**
		 * Only runs of this event.
		 * @param eventId the event id
		 * @return this builder
		 */
		public Builder eventId(@Nullable String eventId) {
			this.eventId = eventId;
			return this;
		}

		/**
		 * The most runs to return.
		 * @param limit 1 to {@value RunQuery#MAX_LIMIT}
		 * @return this builder
		 */
		public Builder limit(int limit) {
			this.limit = limit;
			return this;
		}

		/**
		 * Start after this run: the id of the last run of the previous page.
		 * @param cursor the run id
		 * @return this builder
		 */
		public Builder cursor(@Nullable String cursor) {
			this.cursor = cursor;
			return this;
		}

		/**
		 * The query.
		 * @return the query
		 */
		public RunQuery build() {
			return new RunQuery(this.applicationId, this.functionId, this.statuses, this.from, this.to, this.eventId,
					this.limit, this.cursor);
		}

	}

}
