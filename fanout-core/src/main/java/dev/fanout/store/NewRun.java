package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A run row to insert, queued until {@code dueAt}.
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
 */
public record NewRun(String id, String appId, String functionId, String eventSeq, String eventId, Instant dueAt,
		Instant createdAt, @Nullable Instant deadlineAt, @Nullable String deadlineReason, @Nullable String parentRunId,
		@Nullable String parentStepKey) {

}
