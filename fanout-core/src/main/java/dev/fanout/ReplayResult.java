package dev.fanout;

import java.util.List;

/**
 * What a replay queued.
 *
 * @param requestId the replay request's id
 * @param runIds the runs queued: new runs for {@link ReplayMode#FRESH}, the replayed runs
 * themselves for {@link ReplayMode#RESUME}; for a request made before, what it queued
 * then
 * @since 0.1.0
 */
public record ReplayResult(String requestId, List<String> runIds) {

	public ReplayResult {
		runIds = List.copyOf(runIds);
	}

}
