package dev.fanout.engine.settings;

import java.time.Duration;

import dev.fanout.store.jdbc.TablePrefix;

/**
 * How the engine behaves, and the one place its defaults are written: build with
 * {@link #builder(String)}, whose unset values are the defaults, or read them from
 * {@link #DEFAULTS}. Immutable; every instance is checked by the constructor, with
 * messages that name the {@code fanout.*} property at fault.
 *
 * @param appId the application id, part of each lease owner id
 * @param workerEnabled whether this instance executes runs (it can always send)
 * @param concurrency the most runs executed at once
 * @param pollInterval how often to look for due work that no local signal announced, and
 * the longest a run claimed ahead waits for a free thread
 * @param leaseDuration how long a claim holds a run without a heartbeat
 * @param shutdownTimeout how long a stop waits for running steps
 * @param dedupWindow how long an event id suppresses a repeat
 * @param limits the size limits
 * @param completedRetention how long a completed run is kept after it ended
 * @param failedRetention how long a failed or cancelled run is kept after it ended
 * @param tablePrefix the prefix of the table names, a plain identifier: it goes into SQL
 * and DDL as it is
 * @param replayRate how many replayed runs a second are handed to the workers
 * @param replayMaxRuns the most runs one replay request may select
 * @since 0.1.0
 */
public record EngineSettings(String appId, boolean workerEnabled, int concurrency, Duration pollInterval,
		Duration leaseDuration, Duration shutdownTimeout, Duration dedupWindow, Limits limits,
		Duration completedRetention, Duration failedRetention, String tablePrefix, double replayRate,
		int replayMaxRuns) {

	/**
	 * The defaults, for the application id {@code fanout}.
	 */
	public static final EngineSettings DEFAULTS = builder("fanout").build();

	/**
	 * Check the settings.
	 * @throws IllegalArgumentException naming the property whose value is out of range
	 */
	public EngineSettings {
		if (concurrency < 1) {
			throw new IllegalArgumentException("fanout.worker.concurrency must be at least 1, not " + concurrency);
		}
		TablePrefix.check(tablePrefix);
		requirePositive("fanout.worker.poll-interval", pollInterval);
		requirePositive("fanout.worker.lease-duration", leaseDuration);
		if (leaseDuration.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException(
					"fanout.worker.lease-duration must be at least 1s, not " + leaseDuration);
		}
		requirePositive("fanout.retention.completed", completedRetention);
		requirePositive("fanout.retention.failed", failedRetention);
		requireNotNegative("fanout.worker.shutdown-timeout", shutdownTimeout);
		requireNotNegative("fanout.events.dedup-window", dedupWindow);
		// Written to fail on NaN too, which would pace replays at no rate at all.
		if (!(replayRate > 0)) {
			throw new IllegalArgumentException("fanout.replay.rate must be positive, not " + replayRate);
		}
		if (replayMaxRuns < 1) {
			throw new IllegalArgumentException("fanout.replay.max-runs must be at least 1, not " + replayMaxRuns);
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, not " + value);
		}
	}

	private static void requireNotNegative(String name, Duration value) {
		if (value.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, not " + value);
		}
	}

	/**
	 * Start building settings; what is not set keeps its default.
	 * @param appId the application id
	 * @return a builder
	 */
	public static Builder builder(String appId) {
		return new Builder(appId);
	}

	/**
	 * A builder that starts from these settings, to derive changed ones.
	 * @return a builder
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Builds {@link EngineSettings}. Its fields' initial values are the engine's
	 * defaults, written nowhere else: the Spring Boot properties and the test kit read
	 * them from {@link EngineSettings#DEFAULTS}.
	 */
	public static final class Builder {

		private String appId;

		private boolean workerEnabled = true;

		private int concurrency = 16;

		private Duration pollInterval = Duration.ofSeconds(1);

		private Duration leaseDuration = Duration.ofSeconds(30);

		private Duration shutdownTimeout = Duration.ofSeconds(30);

		private Duration dedupWindow = Duration.ofHours(24);

		private long maxPayloadSize = 512 * 1024;

		private int maxEventsPerSend = 5000;

		private long maxStepOutputSize = 4 * 1024 * 1024;

		private long maxRunOutputSize = 4 * 1024 * 1024;

		private int maxStepsPerRun = 1000;

		private int maxEventNameLength = 256;

		private Duration completedRetention = Duration.ofDays(7);

		private Duration failedRetention = Duration.ofDays(30);

		private String tablePrefix = "fanout_";

		private double replayRate = 50;

		private int replayMaxRuns = 10_000;

		private Builder(String appId) {
			this.appId = appId;
		}

		/**
		 * Set the application id: for the engine that runs another application's
		 * functions, such as an app of functions written with an Inngest SDK.
		 * @param appId the application id
		 * @return this builder
		 */
		public Builder appId(String appId) {
			this.appId = appId;
			return this;
		}

		private Builder(EngineSettings settings) {
			this.appId = settings.appId;
			this.workerEnabled = settings.workerEnabled;
			this.concurrency = settings.concurrency;
			this.pollInterval = settings.pollInterval;
			this.leaseDuration = settings.leaseDuration;
			this.shutdownTimeout = settings.shutdownTimeout;
			this.dedupWindow = settings.dedupWindow;
			this.maxPayloadSize = settings.limits.maxPayloadSize();
			this.maxEventsPerSend = settings.limits.maxEventsPerSend();
			this.maxStepOutputSize = settings.limits.maxStepOutputSize();
			this.maxRunOutputSize = settings.limits.maxRunOutputSize();
			this.maxStepsPerRun = settings.limits.maxStepsPerRun();
			this.maxEventNameLength = settings.limits.maxEventNameLength();
			this.completedRetention = settings.completedRetention;
			this.failedRetention = settings.failedRetention;
			this.tablePrefix = settings.tablePrefix;
			this.replayRate = settings.replayRate;
			this.replayMaxRuns = settings.replayMaxRuns;
		}

		/**
		 * Whether this instance executes runs.
		 * @param workerEnabled whether runs are executed here
		 * @return this builder
		 */
		public Builder workerEnabled(boolean workerEnabled) {
			this.workerEnabled = workerEnabled;
			return this;
		}

		/**
		 * The most runs executed at once.
		 * @param concurrency at least 1
		 * @return this builder
		 */
		public Builder concurrency(int concurrency) {
			this.concurrency = concurrency;
			return this;
		}

		/**
		 * How often to look for due work that no local signal announced.
		 * @param pollInterval a positive interval
		 * @return this builder
		 */
		public Builder pollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
			return this;
		}

		/**
		 * How long a claim holds a run without a heartbeat.
		 * @param leaseDuration at least 1 second
		 * @return this builder
		 */
		public Builder leaseDuration(Duration leaseDuration) {
			this.leaseDuration = leaseDuration;
			return this;
		}

		/**
		 * How long a stop waits for running steps.
		 * @param shutdownTimeout not negative
		 * @return this builder
		 */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * How long an event id suppresses a repeat.
		 * @param dedupWindow not negative; zero turns deduplication off
		 * @return this builder
		 */
		public Builder dedupWindow(Duration dedupWindow) {
			this.dedupWindow = dedupWindow;
			return this;
		}

		/**
		 * The largest event (data and user JSON).
		 * @param maxPayloadSize the size in bytes
		 * @return this builder
		 */
		public Builder maxPayloadSize(long maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
			return this;
		}

		/**
		 * The most events in one send.
		 * @param maxEventsPerSend the number of events
		 * @return this builder
		 */
		public Builder maxEventsPerSend(int maxEventsPerSend) {
			this.maxEventsPerSend = maxEventsPerSend;
			return this;
		}

		/**
		 * The largest step output JSON.
		 * @param maxStepOutputSize the size in bytes
		 * @return this builder
		 */
		public Builder maxStepOutputSize(long maxStepOutputSize) {
			this.maxStepOutputSize = maxStepOutputSize;
			return this;
		}

		/**
		 * The largest run output JSON: what the function returns.
		 * @param maxRunOutputSize the size in bytes
		 * @return this builder
		 */
		public Builder maxRunOutputSize(long maxRunOutputSize) {
			this.maxRunOutputSize = maxRunOutputSize;
			return this;
		}

		/**
		 * The most steps in one run.
		 * @param maxStepsPerRun the number of steps
		 * @return this builder
		 */
		public Builder maxStepsPerRun(int maxStepsPerRun) {
			this.maxStepsPerRun = maxStepsPerRun;
			return this;
		}

		/**
		 * The longest event name.
		 * @param maxEventNameLength the length in characters
		 * @return this builder
		 */
		public Builder maxEventNameLength(int maxEventNameLength) {
			this.maxEventNameLength = maxEventNameLength;
			return this;
		}

		/**
		 * How long a completed run is kept after it ended.
		 * @param completedRetention a positive duration
		 * @return this builder
		 */
		public Builder completedRetention(Duration completedRetention) {
			this.completedRetention = completedRetention;
			return this;
		}

		/**
		 * How long a failed or cancelled run is kept after it ended.
		 * @param failedRetention a positive duration
		 * @return this builder
		 */
		public Builder failedRetention(Duration failedRetention) {
			this.failedRetention = failedRetention;
			return this;
		}

		/**
		 * The prefix of the table names.
		 * @param tablePrefix letters, digits and underscores
		 * @return this builder
		 */
		public Builder tablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
			return this;
		}

		/**
		 * How many replayed runs a second to hand to the workers.
		 * @param replayRate runs per second, more than 0
		 * @return this builder
		 */
		public Builder replayRate(double replayRate) {
			this.replayRate = replayRate;
			return this;
		}

		/**
		 * The most runs one replay request may select: a larger selection is refused, not
		 * cut short.
		 * @param replayMaxRuns the number of runs, at least 1
		 * @return this builder
		 */
		public Builder replayMaxRuns(int replayMaxRuns) {
			this.replayMaxRuns = replayMaxRuns;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws IllegalArgumentException if a value is out of its range
		 */
		public EngineSettings build() {
			return new EngineSettings(this.appId, this.workerEnabled, this.concurrency, this.pollInterval,
					this.leaseDuration, this.shutdownTimeout, this.dedupWindow,
					new Limits(this.maxPayloadSize, this.maxEventsPerSend, this.maxStepOutputSize,
							this.maxRunOutputSize, this.maxStepsPerRun, this.maxEventNameLength),
					this.completedRetention, this.failedRetention, this.tablePrefix, this.replayRate,
					this.replayMaxRuns);
		}

	}

}
