package dev.fanout;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.fanout.internal.Ids;

/**
 * Which past runs {@link FanoutAdmin#replay(ReplayRequest)} runs again, and how. A
 * request has an id (generated unless given): replaying the same request again queues
 * nothing more and returns what the first one queued.
 *
 * @param id the request id, 1 to 128 characters
 * @param functionId the function whose runs to replay
 * @param status the status of the runs to replay: {@code FAILED}, {@code CANCELLED} or
 * {@code COMPLETED}
 * @param from only runs created at or after this time, or {@code null}
 * @param to only runs created before this time, or {@code null}
 * @param mode how to run them again
 * @param runId only this run, or {@code null} for every run the other filters select
 * @since 0.1.0
 */
public record ReplayRequest(String id, String functionId, RunStatus status, @Nullable Instant from,
		@Nullable Instant to, ReplayMode mode, @Nullable String runId) {

	/**
	 * A request for every run the filters select.
	 * @param id the request id
	 * @param functionId the function whose runs to replay
	 * @param status the status of the runs to replay
	 * @param from only runs created at or after this time, or {@code null}
	 * @param to only runs created before this time, or {@code null}
	 * @param mode how to run them again
	 */
	public ReplayRequest(String id, String functionId, RunStatus status, @Nullable Instant from, @Nullable Instant to,
			ReplayMode mode) {
		this(id, functionId, status, from, to, mode, null);
	}

	public ReplayRequest {
		if (id == null || id.isBlank() || id.length() > 128) {
			throw new IllegalArgumentException("A replay request id must be 1 to 128 characters");
		}
		if (functionId == null || functionId.isBlank()) {
			throw new IllegalArgumentException("A replay request needs the function whose runs to replay");
		}
		if (status != RunStatus.FAILED && status != RunStatus.CANCELLED && status != RunStatus.COMPLETED) {
			throw new IllegalArgumentException(
					"Only FAILED, CANCELLED or COMPLETED runs can be replayed, not " + status + " ones");
		}
		if (mode == null) {
			throw new IllegalArgumentException("mode must not be null");
		}
		if (from != null && to != null && !from.isBefore(to)) {
			throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
		}
	}

	/**
	 * A request to replay failed runs afresh, to narrow down with the builder.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds a {@link ReplayRequest}.
	 */
	public static final class Builder {

		private @Nullable String id;

		private @Nullable String functionId;

		private RunStatus status = RunStatus.FAILED;

		private @Nullable Instant from;

		private @Nullable Instant to;

		private ReplayMode mode = ReplayMode.FRESH;

		private @Nullable String runId;

		private Builder() {
		}

		/**
		 * The request id; give one to make retries of the request safe.
		 * @param id the id
		 * @return this builder
		 */
		public Builder id(@Nullable String id) {
			this.id = id;
			return this;
		}

		/**
		 * The function whose runs to replay (required).
		 * @param functionId the function id
		 * @return this builder
		 */
		public Builder function(String functionId) {
			this.functionId = functionId;
			return this;
		}

		/**
		 * The status of the runs to replay; {@code FAILED} unless given.
		 * @param status the status
		 * @return this builder
		 */
		public Builder status(RunStatus status) {
			this.status = status;
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
		 * How to run them again; {@link ReplayMode#FRESH} unless given.
		 * @param mode the mode
		 * @return this builder
		 */
		public Builder mode(ReplayMode mode) {
			this.mode = mode;
			return this;
		}

		/**
		 * Only this run, if the other filters select it.
		 * @param runId the run id
		 * @return this builder
		 */
		public Builder run(@Nullable String runId) {
			this.runId = runId;
			return this;
		}

		/**
		 * The request, with a new id unless one was given.
		 * @return the request
		 */
		public ReplayRequest build() {
			if (this.functionId == null) {
				throw new IllegalArgumentException("A replay request needs the function whose runs to replay");
			}
			return new ReplayRequest((this.id != null) ? this.id : Ids.next(), this.functionId, this.status, this.from,
					this.to, this.mode, this.runId);
		}

	}

}
