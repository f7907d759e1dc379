package dev.fanout.engine.settings;

import java.time.Duration;

import dev.fanout.engine.function.Backoff;

/**
 * How the engine behaves. Immutable; derive changed copies with the {@code with} methods.
 *
 * @param appId the application id, part of each lease owner id
 * @param workerEnabled whether this instance executes runs (it can always send)
 * @param concurrency the most runs executed at once
 * @param pollInterval how often to look for due work that no local signal announced, and
 * the longest a run claimed ahead waits for a free thread
 * @param leaseDuration how long a claim holds a run without a heartbeat
 * @param shutdownTimeout how long a stop waits for running steps
 * @param backoff the default delays between attempts
 * @param dedupWindow how long an event id suppresses a repeat
 * @param limits the size limits
 * @param completedRetention how long a completed run is kept after it ended
 * @param failedRetention how long a failed or cancelled run is kept after it ended
 */
public record EngineSettings(String appId, boolean workerEnabled, int concurrency, Duration pollInterval,
		Duration leaseDuration, Duration shutdownTimeout, Backoff backoff, Duration dedupWindow, Limits limits,
		Duration completedRetention, Duration failedRetention) {

	public EngineSettings {
		if (concurrency < 1) {
			throw new IllegalArgumentException("fanout.worker.concurrency must be at least 1, not " + concurrency);
		}
		requirePositive("fanout.worker.poll-interval", pollInterval);
		requirePositive("fanout.worker.lease-duration", leaseDuration);
		if (leaseDuration.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException(
					"fanout.worker.lease-duration must be at least 1s, not " + leaseDuration);
		}
		requirePositive("fanout.retention.completed", completedRetention);
		requirePositive("fanout.retention.failed", failedRetention);
		if (shutdownTimeout.isNegative() || dedupWindow.isNegative()) {
			throw new IllegalArgumentException(
					"fanout.worker.shutdown-timeout and fanout.events.dedup-window must not " + "be negative");
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, not " + value);
		}
	}

	/**
	 * The defaults, for the given application id.
	 * @param appId the application id
	 * @return the settings
	 */
	public static EngineSettings defaults(String appId) {
		return new EngineSettings(appId, true, 16, Duration.ofSeconds(1), Duration.ofSeconds(30),
				Duration.ofSeconds(30), Backoff.defaults(), Duration.ofHours(24), Limits.defaults(), Duration.ofDays(7),
				Duration.ofDays(30));
	}

	public EngineSettings withAppId(String appId) {
		return new EngineSettings(appId, this.workerEnabled, this.concurrency, this.pollInterval, this.leaseDuration,
				this.shutdownTimeout, this.backoff, this.dedupWindow, this.limits, this.completedRetention,
				this.failedRetention);
	}

	public EngineSettings withConcurrency(int concurrency) {
		return new EngineSettings(this.appId, this.workerEnabled, concurrency, this.pollInterval, this.leaseDuration,
				this.shutdownTimeout, this.backoff, this.dedupWindow, this.limits, this.completedRetention,
				this.failedRetention);
	}

	public EngineSettings withPollInterval(Duration pollInterval) {
		return new EngineSettings(this.appId, this.workerEnabled, this.concurrency, pollInterval, this.leaseDuration,
				this.shutdownTimeout, this.backoff, this.dedupWindow, this.limits, this.completedRetention,
				this.failedRetention);
	}

	public EngineSettings withLeaseDuration(Duration leaseDuration) {
		return new EngineSettings(this.appId, this.workerEnabled, this.concurrency, this.pollInterval, leaseDuration,
				this.shutdownTimeout, this.backoff, this.dedupWindow, this.limits, this.completedRetention,
				this.failedRetention);
	}

	public EngineSettings withShutdownTimeout(Duration shutdownTimeout) {
		return new EngineSettings(this.appId, this.workerEnabled, this.concurrency, this.pollInterval,
				this.leaseDuration, shutdownTimeout, this.backoff, this.dedupWindow, this.limits,
				this.completedRetention, this.failedRetention);
	}

	public EngineSettings withBackoff(Backoff backoff) {
		return new EngineSettings(this.appId, this.workerEnabled, this.concurrency, this.pollInterval,
				this.leaseDuration, this.shutdownTimeout, backoff, this.dedupWindow, this.limits,
				this.completedRetention, this.failedRetention);
	}

	public EngineSettings withDedupWindow(Duration dedupWindow) {
		return new EngineSettings(this.appId, this.workerEnabled, this.concurrency, this.pollInterval,
				this.leaseDuration, this.shutdownTimeout, this.backoff, dedupWindow, this.limits,
				this.completedRetention, this.failedRetention);
	}

	public EngineSettings withLimits(Limits limits) {
		return new EngineSettings(this.appId, this.workerEnabled, this.concurrency, this.pollInterval,
				this.leaseDuration, this.shutdownTimeout, this.backoff, this.dedupWindow, limits,
				this.completedRetention, this.failedRetention);
	}

	public EngineSettings withWorkerEnabled(boolean workerEnabled) {
		return new EngineSettings(this.appId, workerEnabled, this.concurrency, this.pollInterval, this.leaseDuration,
				this.shutdownTimeout, this.backoff, this.dedupWindow, this.limits, this.completedRetention,
				this.failedRetention);
	}

	public EngineSettings withCompletedRetention(Duration completedRetention) {
		return new EngineSettings(this.appId, this.workerEnabled, this.concurrency, this.pollInterval,
				this.leaseDuration, this.shutdownTimeout, this.backoff, this.dedupWindow, this.limits,
				completedRetention, this.failedRetention);
	}

	public EngineSettings withFailedRetention(Duration failedRetention) {
		return new EngineSettings(this.appId, this.workerEnabled, this.concurrency, this.pollInterval,
				this.leaseDuration, this.shutdownTimeout, this.backoff, this.dedupWindow, this.limits,
				this.completedRetention, failedRetention);
	}

}
