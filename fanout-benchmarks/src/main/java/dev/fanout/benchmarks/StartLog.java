package dev.fanout.benchmarks;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each run's function was first invoked, as the function saw it. The stored start
 * time is when a worker took the run, which for a run its send started is before that
 * send commits, so it cannot measure send-to-start.
 */
final class StartLog {

	/**
	 * A log that records nothing, for the backlog measurement, whose heap is the figure.
	 */
	static final StartLog NONE = new StartLog(false);

	private final Map<String, Instant> startedAt = new ConcurrentHashMap<>();

	private final boolean recording;

	StartLog() {
		this(true);
	}

	private StartLog(boolean recording) {
		this.recording = recording;
	}

	void started(String runId) {
		if (this.recording) {
			this.startedAt.putIfAbsent(runId, Instant.now());
		}
	}

	Instant startedAt(String runId) {
		Instant at = this.startedAt.get(runId);
		if (at == null) {
			throw new IllegalStateException("Run " + runId + " completed, but its function never recorded a start");
		}
		return at;
	}

}
