package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A function as the registry of applications sharing the database holds it: what a sender
 * of any application needs to create its runs.
 *
 * @param appId the application that runs it
 * @param functionId the function id
 * @param name the display name
 * @param triggers the trigger event names, as a JSON array
 * @param filter the filter expression, or {@code null}
 * @param cancelOn the cancellation rules, as a JSON array of {@code {event, match,
 * timeoutMillis}}
 * @param startTimeoutMillis the start timeout in milliseconds, or {@code null}
 * @param registeredAt when its application last registered it
 * @param lastSeen when its application was last seen running
 */
public record RegisteredFunction(String appId, String functionId, String name, String triggers, @Nullable String filter,
		String cancelOn, @Nullable Long startTimeoutMillis, Instant registeredAt, Instant lastSeen) {
}
