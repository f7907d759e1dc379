package dev.fanout;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Which runs {@link FanoutAdmin#cancel(CancelRequest)} cancels: the unfinished runs of
 * one of this application's functions, in some statuses, created in a time range.
 *
 * @param functionId the function whose runs to cancel
 * @param statuses the statuses of the runs to cancel, all unfinished ones by default
 * @param from only runs created at or after this time, or {@code null}
 * @param to only runs created before this time, or {@code null}
 * @since 0.1.0
 */
public record CancelRequest(String functionId, Set<RunStatus> statuses, @Nullable Instant from, @Nullable Instant to) {

	/** The statuses of runs that can be cancelled. */
	public static final Set<RunStatus> UNFINISHED = Set.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.SLEEPING,
			RunStatus.WAITING);

	public CancelRequest {
		if (functionId == null || functionId.isBlank()) {
			throw new IllegalArgumentException("A cancel request needs the function whose runs to cancel");
		}
		statuses = (statuses == null || statuses.isEmpty()) ? UNFINISHED : Set.copyOf(EnumSet.copyOf(statuses));
		for (RunStatus status : statuses) {
			if (!UNFINISHED.contains(status)) {
				throw new IllegalArgumentException(
						"Only QUEUED, RUNNING, SLEEPING or WAITING runs can be cancelled, not " + status + " ones");
			}
		}
		if (from != null && to != null && !from.isBefore(to)) {
			throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
		}
	}

	/**
	 * A request for a function's runs, to narrow down with the builder.
	 * @param functionId the function whose runs to cancel
	 * @return a builder
	 */
	public static Builder builder(String functionId) {
		return new Builder(functionId);
	}

	/**
	 * Builds a {@link CancelRequest}.
	 */
	public static final class Builder {

		private final String functionId;

		private final Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);

		private @Nullable Instant from;

		private @Nullable Instant to;

		private Builder(String functionId) {
			this.functionId = functionId;
		}

		/**
		 * Only runs in one of these statuses; calls add up.
		 * @param statuses unfinished statuses
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
		 * The request.
		 * @return the request
		 */
		public CancelRequest build() {
			return new CancelRequest(this.functionId, this.statuses, this.from, this.to);
		}

	}

}
