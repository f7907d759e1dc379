package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A run row to insert: queued until {@code dueAt}, or, with a lease owner, started at
 * once by that owner and leased to it until {@code dueAt}. Built through {@link #of},
 * then {@link #startedBy} for a run that starts as it is inserted.
 *
 * @param id the run id
 * @param appId the application whose workers run it
 * @param functionId the function id
 * @param eventSeq the row key of the triggering event
 * @param eventId the id of the triggering event
 * @param dueAt when it may start
 * @param createdAt when it was created
 * @param deadlineAt when it is cancelled if it has not started, or {@code null}
 * @param deadlineReason why, for the cancellation's error
 * @param parentRunId the run that invoked it, or {@code null}
 * @param parentStepKey the invoking step, or {@code null}
 * @param leaseOwner the worker that starts it as soon as the insert commits, or
 * {@code null} to queue it
 * @param flow its priority and the gates it passes to start
 * @since 0.1.0
 */
public record NewRun(String id, String appId, String functionId, String eventSeq, String eventId, Instant dueAt,
		Instant createdAt, @Nullable Instant deadlineAt, @Nullable String deadlineReason, @Nullable String parentRunId,
		@Nullable String parentStepKey, @Nullable String leaseOwner, RunFlow flow) {

	/**
	 * Start describing a run of a function.
	 * @param id the run id
	 * @param appId the application whose workers run it
	 * @param functionId the function id
	 * @return a builder whose last call queues the run
	 */
	public static Builder of(String id, String appId, String functionId) {
		return new Builder(id, appId, functionId);
	}

	/**
	 * This run, started by a worker as soon as it is inserted.
	 * @param owner the worker
	 * @param leaseUntil the end of its lease
	 * @return the run, leased
	 */
	public NewRun startedBy(String owner, Instant leaseUntil) {
		return new NewRun(this.id, this.appId, this.functionId, this.eventSeq, this.eventId, leaseUntil, this.createdAt,
				this.deadlineAt, this.deadlineReason, this.parentRunId, this.parentStepKey, owner, this.flow);
	}

	/**
	 * Builds a {@link NewRun}: name its triggering event, a deadline and a parent where
	 * there are any, then queue it.
	 */
	public static final class Builder {

		private final String id;

		private final String appId;

		private final String functionId;

		private @Nullable String eventSeq;

		private @Nullable String eventId;

		private @Nullable Instant deadlineAt;

		private @Nullable String deadlineReason;

		private @Nullable String parentRunId;

		private @Nullable String parentStepKey;

		private RunFlow flow = RunFlow.NONE;

		private Builder(String id, String appId, String functionId) {
			this.id = id;
			this.appId = appId;
			this.functionId = functionId;
		}

		/**
		 * Set the triggering event, which every run has.
		 * @param eventSeq the event's row key
		 * @param eventId the event id
		 * @return this builder
		 */
		public Builder triggeredBy(String eventSeq, String eventId) {
			this.eventSeq = eventSeq;
			this.eventId = eventId;
			return this;
		}

		/**
		 * Set when the run is cancelled if it has not started.
		 * @param at the deadline
		 * @param reason why, for the cancellation's error
		 * @return this builder
		 */
		public Builder deadline(Instant at, String reason) {
			this.deadlineAt = at;
			this.deadlineReason = reason;
			return this;
		}

		/**
		 * Set the run and step that invoked this run.
		 * @param runId the invoking run, or {@code null} for none
		 * @param stepKey the invoking step, or {@code null} for none
		 * @return this builder
		 */
		public Builder parent(@Nullable String runId, @Nullable String stepKey) {
			this.parentRunId = runId;
			this.parentStepKey = stepKey;
			return this;
		}

		/**
		 * Set the run's priority and gates.
		 * @param flow the flow keys
		 * @return this builder
		 */
		public Builder flow(RunFlow flow) {
			this.flow = flow;
			return this;
		}

		/**
		 * The run, queued.
		 * @param dueAt when it may start
		 * @param createdAt when it was created
		 * @return the run
		 * @throws IllegalStateException if no triggering event was set
		 */
		public NewRun queued(Instant dueAt, Instant createdAt) {
			if (this.eventSeq == null || this.eventId == null) {
				throw new IllegalStateException("A run needs its triggering event: call triggeredBy first");
			}
			return new NewRun(this.id, this.appId, this.functionId, this.eventSeq, this.eventId, dueAt, createdAt,
					this.deadlineAt, this.deadlineReason, this.parentRunId, this.parentStepKey, null, this.flow);
		}

	}

}
