package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A run this instance now holds the lease of, with its triggering event.
 *
 * @param id the run id
 * @param functionId the function id
 * @param attempts how many times the run has been invoked, this one included
 * @param failures how many function-level failures it has had
 * @param retryAttempt the attempt number of the work it resumes
 * @param eventId the event id
 * @param eventName the event name
 * @param eventData the event data as JSON
 * @param eventUser the event user data as JSON, or {@code null}
 * @param eventTs the event timestamp
 * @param eventV the event schema version, or {@code null}
 */
public record ClaimedRun(String id, String functionId, int attempts, int failures, int retryAttempt, String eventId,
		String eventName, String eventData, @Nullable String eventUser, Instant eventTs, @Nullable String eventV) {
}
