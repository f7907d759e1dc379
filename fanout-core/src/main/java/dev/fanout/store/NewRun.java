package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A run row to insert: queued until {@code dueAt}, or, with a lease owner, started at
 * once by that owner and leased to it until {@code dueAt}.
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
 */
public record NewRun(String id, String appId, String functionId, String eventSeq, String eventId, Instant dueAt,
		Instant createdAt, @Nullable Instant deadlineAt, @Nullable String deadlineReason, @Nullable String parentRunId,
		@Nullable String parentStepKey, @Nullable String leaseOwner) {

	/**
	 * This run, started by a worker as soon as it is inserted.
	 * @param owner the worker
	 * @param leaseUntil the end of its lease
	 * @return the run, leased
	 */
	public NewRun startedBy(String owner, Instant leaseUntil) {
		return new NewRun(this.id, this.appId, this.functionId, this.eventSeq, this.eventId, leaseUntil, this.createdAt,
				this.deadlineAt, this.deadlineReason, this.parentRunId, this.parentStepKey, owner);
	}

}
