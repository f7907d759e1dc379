package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A run with its triggering event: one this instance now holds the lease of, or one being
 * cancelled.
 *
 * @param id the run id
 * @param functionId the function id
 * @param attempts how many times the run has been invoked, this one included
 * @param failures how many function-level failures it has had
 * @param retryAttempt the attempt number of the work it resumes
 * @param startedAt when it first started, or {@code null} if it never did
 * @param cancelRequested whether a cancellation asks it to stop before its next step
 * @param parentRunId the run that invoked it, or {@code null}
 * @param parentStepKey the invoking step of that run, or {@code null}
 * @param eventId the event id
 * @param eventName the event name
 * @param eventData the event data as JSON
 * @param eventUser the event user data as JSON, or {@code null}
 * @param eventTs the event timestamp
 * @param eventV the event schema version, or {@code null}
 */
public record ClaimedRun(String id, String functionId, int attempts, int failures, int retryAttempt,
		@Nullable Instant startedAt, boolean cancelRequested, @Nullable String parentRunId,
		@Nullable String parentStepKey, String eventId, String eventName, String eventData, @Nullable String eventUser,
		Instant eventTs, @Nullable String eventV) {

	/**
	 * A new run inserted already started, as a claim of it would read it back: its first
	 * attempt, started when it was created.
	 * @param run the run, with its lease owner
	 * @param event its triggering event
	 * @return the run as claimed
	 */
	public static ClaimedRun started(NewRun run, NewEvent event) {
		return new ClaimedRun(run.id(), run.functionId(), 1, 0, 0, run.createdAt(), false, run.parentRunId(),
				run.parentStepKey(), event.id(), event.name(), event.data(), event.user(), event.ts(), event.v());
	}
}
