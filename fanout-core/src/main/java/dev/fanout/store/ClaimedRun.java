package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A run with its triggering event: one this instance now holds the lease of, or one being
 * cancelled. Read by the store, or made through {@link #started} for a run that starts as
 * it is inserted.
 *
 * @param id the run id
 * @param functionId the function id
 * @param attempts how many times the run has been invoked, this one included
 * @param failures how many function-level failures it has had
 * @param retryAttempt the attempt number of the work it resumes
 * @param idleClaims how many times in a row it was claimed, this claim included, without
 * recording anything in between (no step, no outcome)
 * @param startedAt when it first started, or {@code null} if it never did
 * @param cancelRequested whether a cancellation asks it to stop before its next step
 * @param parentRunId the run that invoked it, or {@code null}
 * @param parentStepKey the invoking step of that run, or {@code null}
 * @param event its triggering event
 * @param dueAt when this attempt was due, before the claim: its time in the queue ends as
 * it starts
 * @since 0.1.0
 */
public record ClaimedRun(String id, String functionId, int attempts, int failures, int retryAttempt, int idleClaims,
		@Nullable Instant startedAt, boolean cancelRequested, @Nullable String parentRunId,
		@Nullable String parentStepKey, StoredEvent event, Instant dueAt) {

	/**
	 * A new run inserted already started, as a claim of it would read it back: its first
	 * attempt, started when it was created.
	 * @param run the run, with its lease owner
	 * @param event its triggering event
	 * @return the run as claimed
	 */
	public static ClaimedRun started(NewRun run, NewEvent event) {
		return new ClaimedRun(run.id(), run.functionId(), 1, 0, 0, 1, run.createdAt(), false, run.parentRunId(),
				run.parentStepKey(), event.event(), run.createdAt());
	}

	/**
	 * This run, due at another time.
	 * @param due when it was due
	 * @return the run
	 */
	public ClaimedRun withDueAt(Instant due) {
		return new ClaimedRun(this.id, this.functionId, this.attempts, this.failures, this.retryAttempt,
				this.idleClaims, this.startedAt, this.cancelRequested, this.parentRunId, this.parentStepKey, this.event,
				due);
	}

}
