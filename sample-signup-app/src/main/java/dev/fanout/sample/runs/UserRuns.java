package dev.fanout.sample.runs;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code GET /users/{id}/runs}: the user and the runs its signup event
 * started.
 *
 * @param userId the user id
 * @param email the email address
 * @param signupEventId the id of the {@code app/user.signup} event
 * @param runs the runs, oldest first, with their steps
 * @since 0.1.0
 */
public record UserRuns(long userId, String email, @Nullable String signupEventId, List<RunView> runs) {

}
