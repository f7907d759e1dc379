package dev.fanout.engine.remote;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What an SDK answered to a call.
 *
 * @since 0.1.0
 */
public sealed interface Reply {

	/**
	 * {@code 200}: the function returned.
	 *
	 * @param value what it returned, JSON {@code null} for nothing
	 */
	record Returned(JsonNode value) implements Reply {
	}

	/**
	 * {@code 206}: the function reached steps.
	 *
	 * @param ops the ops, in the order reported
	 * @param noRetry whether {@code X-Inngest-No-Retry: true} came with them
	 * @param retryAfter when a failed step may be tried again, or {@code null}
	 */
	record Reported(List<Op> ops, boolean noRetry, @Nullable Instant retryAfter) implements Reply {
	}

	/**
	 * An error status, or a reply that is not an SDK's.
	 *
	 * @param status the HTTP status, or 0 when no reply came
	 * @param message what went wrong, for the run's error
	 * @param noRetry whether the app said not to retry
	 * @param retryAfter when to try again, or {@code null}
	 */
	record Failed(int status, String message, boolean noRetry, @Nullable Instant retryAfter) implements Reply {
	}

}
