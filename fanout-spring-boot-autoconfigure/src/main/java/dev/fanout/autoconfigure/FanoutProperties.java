package dev.fanout.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;
import org.springframework.util.unit.DataSize;

import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.settings.EngineSettings;

/**
 * Configuration of fanout, under the {@code fanout} prefix. The engine's values start
 * from the engine's own defaults ({@link EngineSettings#DEFAULTS}, and
 * {@link Backoff#defaults()} for retries), which are written only there; as the
 * annotation processor cannot read them,
 * {@code additional-spring-configuration-metadata.json} states them for the IDE, and a
 * test keeps the two equal.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("fanout")
public class FanoutProperties {

	/**
	 * Whether fanout is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Id of this application among those sharing the database. Defaults to
	 * spring.application.name.
	 */
	private @Nullable String appId;

	/**
	 * The worker that claims and executes runs.
	 */
	private final Worker worker = new Worker();

	/**
	 * Retries of failed steps and functions.
	 */
	private final Retry retry = new Retry();

	/**
	 * Per-function settings, by function id.
	 */
	private final Map<String, Function> functions = new LinkedHashMap<>();

	/**
	 * Events and their limits.
	 */
	private final Events events = new Events();

	/**
	 * Limits on runs and steps.
	 */
	private final Limits limits = new Limits();

	/**
	 * The fanout tables and their creation.
	 */
	private final Jdbc jdbc = new Jdbc();

	/**
	 * The HTTP event API and the admin API.
	 */
	private final Http http = new Http();

	/**
	 * The admin API and dashboard.
	 */
	private final Dashboard dashboard = new Dashboard();

	/**
	 * Replays of past runs.
	 */
	private final Replay replay = new Replay();

	/**
	 * How long finished runs are kept.
	 */
	private final Retention retention = new Retention();

	/**
	 * Applications of functions written with an Inngest SDK (TypeScript, Python, Go) that
	 * fanout runs.
	 */
	private final Remote remote = new Remote();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getAppId() {
		return this.appId;
	}

	public void setAppId(@Nullable String appId) {
		this.appId = appId;
	}

	public Remote getRemote() {
		return this.remote;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Map<String, Function> getFunctions() {
		return this.functions;
	}

	public Events getEvents() {
		return this.events;
	}

	public Limits getLimits() {
		return this.limits;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	public Http getHttp() {
		return this.http;
	}

	public Dashboard getDashboard() {
		return this.dashboard;
	}

	public Replay getReplay() {
		return this.replay;
	}

	public Retention getRetention() {
		return this.retention;
	}

	/**
	 * The worker that claims and executes runs.
	 */
	public static class Worker {

		/**
		 * Whether this instance executes runs. When false it only sends events.
		 */
		private boolean enabled = EngineSettings.DEFAULTS.workerEnabled();

		/**
		 * Maximum number of runs executed at once, each on its own thread.
		 */
		private int concurrency = EngineSettings.DEFAULTS.concurrency();

		/**
		 * How often to look for due runs that no local signal announced: delayed retries
		 * and other instances' work. Local sends start at once, without waiting for a
		 * poll. Also how long a run claimed ahead under a backlog waits for a free thread
		 * before it goes back to the queue.
		 */
		private Duration pollInterval = EngineSettings.DEFAULTS.pollInterval();

		/**
		 * How long a claimed run stays reserved for this instance without a heartbeat. A
		 * heartbeat extends it every third of this while steps run; after a crash,
		 * another instance takes the run over once it expires.
		 */
		private Duration leaseDuration = EngineSettings.DEFAULTS.leaseDuration();

		/**
		 * How long a shutdown waits for running steps to finish before handing their runs
		 * back.
		 */
		private Duration shutdownTimeout = EngineSettings.DEFAULTS.shutdownTimeout();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getLeaseDuration() {
			return this.leaseDuration;
		}

		public void setLeaseDuration(Duration leaseDuration) {
			this.leaseDuration = leaseDuration;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	/**
	 * Retries of failed steps and functions.
	 */
	public static class Retry {

		/**
		 * Delays before the 1st, 2nd, ... retry; the last one repeats. Stored with the
		 * run, so they survive restarts.
		 */
		private List<Duration> backoff = new ArrayList<>(Backoff.defaults().delays());

		/**
		 * Largest random addition to each delay, as a fraction of it (0 to 1), so that
		 * many failing runs do not retry in lockstep.
		 */
		private double jitter = Backoff.defaults().jitter();

		public List<Duration> getBackoff() {
			return this.backoff;
		}

		public void setBackoff(List<Duration> backoff) {
			this.backoff = backoff;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Settings of one function.
	 */
	public static class Function {

		/**
		 * Whether the function runs. A disabled function is not triggered by events.
		 */
		private boolean enabled = true;

		/**
		 * Retries after the first attempt (0 to 20), overriding the annotation's.
		 */
		private @Nullable Integer retries;

		/**
		 * Delays between attempts of this function, overriding fanout.retry.backoff.
		 */
		private @Nullable List<Duration> backoff;

		/**
		 * Most runs of the function executing at once, across every instance: replaces
		 * the limit of its first {@code @Concurrency}, or sets one for the whole
		 * function.
		 */
		private @Nullable Integer concurrency;

		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(@Nullable Integer concurrency) {
			this.concurrency = concurrency;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Integer getRetries() {
			return this.retries;
		}

		public void setRetries(@Nullable Integer retries) {
			this.retries = retries;
		}

		public @Nullable List<Duration> getBackoff() {
			return this.backoff;
		}

		public void setBackoff(@Nullable List<Duration> backoff) {
			this.backoff = backoff;
		}

	}

	/**
	 * Events.
	 */
	public static class Events {

		/**
		 * How long an event id is remembered: an event whose id was seen within this
		 * window is stored but triggers nothing.
		 */
		private Duration dedupWindow = EngineSettings.DEFAULTS.dedupWindow();

		/**
		 * Largest event payload (data and user JSON).
		 */
		private DataSize maxPayloadSize = DataSize.ofBytes(EngineSettings.DEFAULTS.limits().maxPayloadSize());

		/**
		 * Most events accepted in one send.
		 */
		private int maxBatchSize = EngineSettings.DEFAULTS.limits().maxEventsPerSend();

		public Duration getDedupWindow() {
			return this.dedupWindow;
		}

		public void setDedupWindow(Duration dedupWindow) {
			this.dedupWindow = dedupWindow;
		}

		public DataSize getMaxPayloadSize() {
			return this.maxPayloadSize;
		}

		public void setMaxPayloadSize(DataSize maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
		}

		public int getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(int maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

	}

	/**
	 * Limits on runs and steps.
	 */
	public static class Limits {

		/**
		 * Largest step output (JSON).
		 */
		private DataSize maxStepOutputSize = DataSize.ofBytes(EngineSettings.DEFAULTS.limits().maxStepOutputSize());

		/**
		 * Largest run output (JSON): what a function returns. A larger one fails the run
		 * without a retry.
		 */
		private DataSize maxRunOutputSize = DataSize.ofBytes(EngineSettings.DEFAULTS.limits().maxRunOutputSize());

		/**
		 * Most steps in one run.
		 */
		private int maxStepsPerRun = EngineSettings.DEFAULTS.limits().maxStepsPerRun();

		/**
		 * Longest event name, in characters.
		 */
		private int maxEventNameLength = EngineSettings.DEFAULTS.limits().maxEventNameLength();

		public DataSize getMaxStepOutputSize() {
			return this.maxStepOutputSize;
		}

		public void setMaxStepOutputSize(DataSize maxStepOutputSize) {
			this.maxStepOutputSize = maxStepOutputSize;
		}

		public DataSize getMaxRunOutputSize() {
			return this.maxRunOutputSize;
		}

		public void setMaxRunOutputSize(DataSize maxRunOutputSize) {
			this.maxRunOutputSize = maxRunOutputSize;
		}

		public int getMaxStepsPerRun() {
			return this.maxStepsPerRun;
		}

		public void setMaxStepsPerRun(int maxStepsPerRun) {
			this.maxStepsPerRun = maxStepsPerRun;
		}

		public int getMaxEventNameLength() {
			return this.maxEventNameLength;
		}

		public void setMaxEventNameLength(int maxEventNameLength) {
			this.maxEventNameLength = maxEventNameLength;
		}

	}

	/**
	 * The fanout tables and their creation.
	 */
	public static class Jdbc extends DatabaseInitializationProperties {

		/**
		 * Prefix of the fanout table names.
		 */
		private String tablePrefix = EngineSettings.DEFAULTS.tablePrefix();

		public String getTablePrefix() {
			return this.tablePrefix;
		}

		public void setTablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
		}

		@Override
		public String getDefaultSchemaLocation() {
			return "classpath:dev/fanout/store/jdbc/schema-@@platform@@.sql";
		}

	}

	/**
	 * The HTTP event API and the admin API.
	 */
	public static class Http {

		/**
		 * Path under which the event API ({base}/e/{key}), the admin API ({base}/api) and
		 * the dashboard are served.
		 */
		private String basePath = "/fanout";

		/**
		 * Keys accepted by the HTTP event API; several, so a key can be rotated. The API
		 * answers 404 until at least one is set.
		 */
		private List<String> eventKeys = new ArrayList<>();

		/**
		 * Bearer token the admin API requires. Without Spring Security the admin API
		 * refuses to start on a non-loopback address unless this is set.
		 */
		private @Nullable String adminToken;

		public String getBasePath() {
			return this.basePath;
		}

		/**
		 * A path under the base path, which is read with one leading slash and none
		 * trailing whatever the configuration wrote ({@code "/"} is the root).
		 * @param suffix the path below the base, starting with a slash
		 * @return the full path
		 */
		public String path(String suffix) {
			String base = this.basePath.strip().replaceAll("/+$", "");
			if (!base.isEmpty() && !base.startsWith("/")) {
				base = "/" + base;
			}
			return base + suffix;
		}

		public void setBasePath(String basePath) {
			this.basePath = basePath;
		}

		public List<String> getEventKeys() {
			return this.eventKeys;
		}

		public void setEventKeys(List<String> eventKeys) {
			this.eventKeys = eventKeys;
		}

		public @Nullable String getAdminToken() {
			return this.adminToken;
		}

		public void setAdminToken(@Nullable String adminToken) {
			this.adminToken = adminToken;
		}

	}

	/**
	 * The admin API and dashboard.
	 */
	public static class Dashboard {

		/**
		 * Whether the admin API and the dashboard are served under the base path.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Replays of past runs.
	 */
	public static class Replay {

		/**
		 * Most replayed runs handed to the workers per second, so that a large replay
		 * leaves room for live traffic.
		 */
		private double rate = EngineSettings.DEFAULTS.replayRate();

		/**
		 * Most runs one replay request may select; a request that selects more is
		 * refused, naming the count, rather than cut short.
		 */
		private int maxRuns = EngineSettings.DEFAULTS.replayMaxRuns();

		public double getRate() {
			return this.rate;
		}

		public void setRate(double rate) {
			this.rate = rate;
		}

		public int getMaxRuns() {
			return this.maxRuns;
		}

		public void setMaxRuns(int maxRuns) {
			this.maxRuns = maxRuns;
		}

	}

	/**
	 * How long finished runs are kept. Instances with a worker delete older ones, with
	 * their steps, in small batches about once a minute; events that no run refers to any
	 * more go after the shorter of the two.
	 */
	public static class Retention {

		/**
		 * How long a completed run, with its steps, is kept after it ended.
		 */
		private Duration completed = EngineSettings.DEFAULTS.completedRetention();

		/**
		 * How long a failed or cancelled run, with its steps, is kept after it ended, for
		 * inspection and replay.
		 */
		private Duration failed = EngineSettings.DEFAULTS.failedRetention();

		public Duration getCompleted() {
			return this.completed;
		}

		public void setCompleted(Duration completed) {
			this.completed = completed;
		}

		public Duration getFailed() {
			return this.failed;
		}

		public void setFailed(Duration failed) {
			this.failed = failed;
		}

	}

	public static class Remote {

		/**
		 * The applications, each by its serve URL.
		 */
		private List<App> apps = new ArrayList<>();

		/**
		 * Out-of-band registration, where the SDKs post their functions.
		 */
		private final Registration registration = new Registration();

		public List<App> getApps() {
			return this.apps;
		}

		public void setApps(List<App> apps) {
			this.apps = apps;
		}

		public Registration getRegistration() {
			return this.registration;
		}

		public static class App {

			/**
			 * The app's serve URL, such as http://crm:3000/api/inngest.
			 */
			private @Nullable URI url;

			/**
			 * The signing key shared with the app (its INNGEST_SIGNING_KEY,
			 * signkey-<env>-<hex>). When set, requests are signed and the app runs in
			 * cloud mode; without it, the app must run in dev mode (INNGEST_DEV=1).
			 */
			private @Nullable String signingKey;

			/**
			 * Whether to sync the app's functions when the application starts.
			 */
			private boolean syncOnStartup = true;

			/**
			 * The longest fanout waits for one call of the app.
			 */
			private Duration callTimeout = Duration.ofMinutes(5);

			public @Nullable URI getUrl() {
				return this.url;
			}

			public void setUrl(@Nullable URI url) {
				this.url = url;
			}

			public @Nullable String getSigningKey() {
				return this.signingKey;
			}

			public void setSigningKey(@Nullable String signingKey) {
				this.signingKey = signingKey;
			}

			public boolean isSyncOnStartup() {
				return this.syncOnStartup;
			}

			public void setSyncOnStartup(boolean syncOnStartup) {
				this.syncOnStartup = syncOnStartup;
			}

			public Duration getCallTimeout() {
				return this.callTimeout;
			}

			public void setCallTimeout(Duration callTimeout) {
				this.callTimeout = callTimeout;
			}

		}

		public static class Registration {

			/**
			 * Whether to serve POST /fn/register, where an app posts its functions
			 * (out-of-band sync), authenticated with the bearer token derived from a
			 * configured signing key.
			 */
			private boolean enabled;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

		}

	}

}
