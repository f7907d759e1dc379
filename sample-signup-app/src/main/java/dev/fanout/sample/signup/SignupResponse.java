package dev.fanout.sample.signup;

import java.util.List;

/**
 * The answer to a successful signup.
 *
 * @param userId the new user's id
 * @param eventId the id of the {@code app/user.signup} event
 * @param runIds the runs the event started, one per function
 * @since 0.1.0
 */
public record SignupResponse(long userId, String eventId, List<String> runIds) {

}
