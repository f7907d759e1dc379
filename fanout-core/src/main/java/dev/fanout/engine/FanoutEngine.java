package dev.fanout.engine;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunStatus;
import dev.fanout.engine.event.EventPayloads;
import dev.fanout.engine.function.FunctionCatalog;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.observe.Telemetry;
import dev.fanout.engine.operations.BulkCancels;
import dev.fanout.engine.operations.CronTicker;
import dev.fanout.engine.operations.FunctionOverview;
import dev.fanout.engine.operations.Pauses;
import dev.fanout.engine.operations.Replays;
import dev.fanout.engine.operations.RetentionCleaner;
import dev.fanout.engine.operations.StoreFanoutAdmin;
import dev.fanout.engine.run.Cancellations;
import dev.fanout.engine.run.RunEndings;
import dev.fanout.engine.run.RunExecutor;
import dev.fanout.engine.sending.EnqueueControls;
import dev.fanout.engine.sending.EventWriter;
import dev.fanout.engine.sending.SkippedEvents;
import dev.fanout.engine.sending.StoreEventSender;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.engine.worker.Worker;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.spi.FanoutMetrics;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.FunctionKey;
import dev.fanout.store.RunStore;
import dev.fanout.store.jdbc.JdbcCronTickStore;
import dev.fanout.store.jdbc.JdbcFlowStateStore;
import dev.fanout.store.jdbc.JdbcRetentionStore;
import dev.fanout.store.jdbc.JdbcRunStore;

/**
 * Wires the engine's parts together on a {@link DataSource}: the sender, the admin view
 * and the worker. The Spring Boot auto-configuration builds one; plain Java code and
 * tests can too.
 */
public final class FanoutEngine {

	private final LocalFunctions registry;

	private final StoreEventSender sender;

	private final FanoutAdmin admin;

	private final Worker worker;

	private final EngineSettings settings;

	private final RunStore store;

	private final FunctionCatalog directory;

	private final TransactionTemplate own;

	private final CronTicker crons;

	private final RetentionCleaner retention;

	private final Cancellations cancellations;

	private final Clock clock;

	private final HealthCheck health;

	private FanoutEngine(Builder builder) {
		this.settings = builder.settings;
		this.clock = builder.clock;
		Telemetry telemetry = new Telemetry(builder.metrics, builder.observationRegistry, this.settings.appId());
		RunStore store = JdbcRunStore.create(builder.dataSource, this.settings.tablePrefix(), this.settings.appId());
		this.store = store;
		this.registry = new LocalFunctions(builder.functions);
		this.directory = new FunctionCatalog(this.settings.appId(), this.registry, store, builder.serializer,
				builder.clock);
		TransactionTemplate joining = new TransactionTemplate(builder.transactionManager);
		this.own = new TransactionTemplate(builder.transactionManager);
		this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		// Matched @CancelOn rules cancel runs, whose endings write events in turn.
		SkippedEvents skipped = new SkippedEvents(builder.metrics);
		EnqueueControls controls = new EnqueueControls(
				JdbcFlowStateStore.create(builder.dataSource, this.settings.tablePrefix()), this::cancel, skipped);
		EventWriter writer = new EventWriter(this.directory, store, builder.serializer, this.settings, builder.clock,
				this::wakeWorker, this::cancel, controls, telemetry);
		RunEndings endings = new RunEndings(store, writer, builder.serializer, builder.clock, this::wakeWorker);
		this.cancellations = new Cancellations(store, endings, builder.serializer, builder.clock, this::markCancel,
				telemetry);
		this.sender = new StoreEventSender(writer,
				new EventPayloads(this.settings.limits(), builder.serializer, builder.clock), joining, telemetry);
		this.crons = new CronTicker(this.registry,
				JdbcCronTickStore.create(builder.dataSource, this.settings.tablePrefix(), this.settings.appId()),
				writer, this.own, builder.retry, builder.clock, this.settings.pollInterval());
		this.retention = new RetentionCleaner(
				JdbcRetentionStore.create(builder.dataSource, this.settings.tablePrefix(), this.settings.appId()),
				this.own, builder.retry, this.settings, builder.clock);
		this.worker = new Worker(this.registry, store, this.own, builder.retry, this.settings, builder.clock,
				(host) -> new RunExecutor(this.registry, store, this.own, builder.retry, builder.serializer,
						this.settings.limits(), builder.clock, writer, endings, host, telemetry),
				this.cancellations, this.crons);
		if (this.settings.workerEnabled()) {
			writer.startLocally(this.worker);
		}
		Replays replays = new Replays(this.directory, this.registry, store, this.own, builder.clock,
				this.settings.replayRate(), this.settings.replayMaxRuns(), this::wakeWorker, builder.metrics);
		this.admin = new StoreFanoutAdmin(store, this.cancellations, joining, replays, skipped,
				new BulkCancels(this.registry, store, this.cancellations, joining, this.settings.replayMaxRuns()),
				new Pauses(this.registry, store, joining, builder.clock, this.settings.appId(), this::wakeWorker),
				new FunctionOverview(store, builder.serializer, builder.clock));
		this.health = new HealthCheck(builder.dataSource, this.worker, this.settings.pollInterval());
	}

	/**
	 * Start building an engine.
	 * @param dataSource the database holding the fanout tables
	 * @param transactionManager the transaction manager of that data source, shared with
	 * the application so that sends join its transactions
	 * @return a builder
	 */
	public static Builder builder(DataSource dataSource, PlatformTransactionManager transactionManager) {
		return new Builder(dataSource, transactionManager);
	}

	private boolean cancel(String runId, String reason) {
		return this.cancellations.cancel(runId, reason);
	}

	private void markCancel(String runId) {
		this.worker.markCancel(runId);
	}

	private void wakeWorker() {
		if (this.settings.workerEnabled()) {
			this.worker.wake();
		}
	}

	/**
	 * Register this application's functions, so that events sent by any application
	 * sharing the database create their runs, then start the worker (with the cron
	 * schedules and the retention cleaner), unless it is disabled. An application that
	 * only sends registers its functions too: other instances of it may run them.
	 */
	public void start() {
		try {
			this.own.executeWithoutResult((status) -> this.directory.register());
			if (this.settings.workerEnabled() && !this.registry.ids().isEmpty()) {
				this.crons.start();
			}
		}
		catch (BadSqlGrammarException ex) {
			throw new IllegalStateException("fanout's tables are missing or out of date in this database: create "
					+ "them with dev/fanout/store/jdbc/schema-<h2|postgresql>.sql from the fanout-core jar, or set "
					+ "fanout.jdbc.initialize-schema=always", ex);
		}
		if (this.settings.workerEnabled()) {
			if (!this.registry.ids().isEmpty()) {
				this.worker.start();
			}
			this.retention.start();
		}
	}

	/**
	 * Stop the worker and the retention cleaner: no new claims, running steps finish
	 * within the shutdown timeout, held runs are handed back.
	 */
	public void stop() {
		this.worker.stop();
		this.retention.stop();
	}

	/**
	 * The settings the engine was built with.
	 * @return the settings
	 */
	public EngineSettings settings() {
		return this.settings;
	}

	/**
	 * The sender of this engine: an {@link EventSender}, with
	 * {@link StoreEventSender#sendAll(List, String)} for senders other than the
	 * application's code, such as the HTTP event API.
	 * @return the sender
	 */
	public StoreEventSender sender() {
		return this.sender;
	}

	public FanoutAdmin admin() {
		return this.admin;
	}

	public Worker worker() {
		return this.worker;
	}

	public LocalFunctions registry() {
		return this.registry;
	}

	public RetentionCleaner retention() {
		return this.retention;
	}

	/**
	 * This application's functions, each with how many runs it has in each status.
	 * @return the functions, in registration order
	 */
	public List<FunctionStats> functionStats() {
		Map<FunctionKey, Map<RunStatus, Long>> counts = this.store.countRunsByFunction();
		return this.registry.all()
			.stream()
			.map((function) -> new FunctionStats(function,
					counts.getOrDefault(new FunctionKey(this.settings.appId(), function.id()), Map.of())))
			.toList();
	}

	/**
	 * The backlog of this application's functions: how many runs of each are due and not
	 * running (queued, or sleeping or waiting past their due time), paused functions'
	 * included. One grouped query: callers that poll it, such as a gauge, should read it
	 * at most every few seconds.
	 * @return the counts by function id, in registration order, zero for a function
	 * without a backlog
	 */
	public Map<String, Long> backlog() {
		Map<String, Long> due = this.store.countDueRuns(this.registry.ids(), this.clock.instant());
		Map<String, Long> backlog = new LinkedHashMap<>();
		this.registry.all().forEach((function) -> backlog.put(function.id(), due.getOrDefault(function.id(), 0L)));
		return backlog;
	}

	/**
	 * What this instance's worker holds now, read without locks.
	 * @return the status
	 */
	public WorkerStatus workerStatus() {
		return new WorkerStatus(this.worker.owner(), this.settings.concurrency(), this.worker.freeThreads(),
				this.worker.activeRuns(), this.worker.claimedAhead());
	}

	/**
	 * Whether this instance's engine can do its work: its database answers, its
	 * group-commit writer's last batch committed, and its listener for other instances'
	 * runs (on PostgreSQL) has not been disconnected for longer than a poll interval.
	 * Failing functions never make it down.
	 * @return the health, with the details of each check
	 */
	public EngineHealth health() {
		return this.health.check();
	}

	/**
	 * A function and how many runs it has in each status.
	 *
	 * @param function the function
	 * @param runs the run counts; statuses without runs are missing
	 */
	public record FunctionStats(FunctionDefinition function, Map<RunStatus, Long> runs) {
	}

	/**
	 * Builds a {@link FanoutEngine}.
	 */
	public static final class Builder {

		private final DataSource dataSource;

		private final PlatformTransactionManager transactionManager;

		private final List<FunctionDefinition> functions = new ArrayList<>();

		private EngineSettings settings = EngineSettings.DEFAULTS;

		private PayloadSerializer serializer = new JacksonPayloadSerializer();

		private Clock clock = Clock.systemUTC();

		private RetrySupport retry = RetrySupport.defaults();

		private FanoutMetrics metrics = FanoutMetrics.NONE;

		private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

		private Builder(DataSource dataSource, PlatformTransactionManager transactionManager) {
			this.dataSource = dataSource;
			this.transactionManager = transactionManager;
		}

		/**
		 * How the engine behaves, {@link EngineSettings#DEFAULTS} unless set: every value
		 * the engine is configured with, the table prefix and the replay rate among them,
		 * while this builder takes the collaborators.
		 * @param settings the settings
		 * @return this builder
		 */
		public Builder settings(EngineSettings settings) {
			this.settings = settings;
			return this;
		}

		/**
		 * How payloads and step outputs are written as JSON, by default with a plain
		 * Jackson mapper.
		 * @param serializer the serializer
		 * @return this builder
		 */
		public Builder serializer(PayloadSerializer serializer) {
			this.serializer = serializer;
			return this;
		}

		/**
		 * The clock the engine reads, UTC system time by default; tests pass their own.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * How the engine's own database work is retried after a transient failure.
		 * @param retry the retry support
		 * @return this builder
		 */
		public Builder retry(RetrySupport retry) {
			this.retry = retry;
			return this;
		}

		/**
		 * Where the engine reports its metrics, {@link FanoutMetrics#NONE} by default.
		 * @param metrics the metrics
		 * @return this builder
		 */
		public Builder metrics(FanoutMetrics metrics) {
			Assert.notNull(metrics, "metrics must not be null");
			this.metrics = metrics;
			return this;
		}

		/**
		 * Where the engine's observations ({@code fanout.send}, {@code fanout.run},
		 * {@code fanout.step}) go, {@link ObservationRegistry#NOOP} by default, which
		 * costs nothing: no observation is made and no trace context stored.
		 * @param observationRegistry the registry
		 * @return this builder
		 */
		public Builder observationRegistry(ObservationRegistry observationRegistry) {
			Assert.notNull(observationRegistry, "observationRegistry must not be null");
			this.observationRegistry = observationRegistry;
			return this;
		}

		/**
		 * Add this application's functions.
		 * @param functions the functions
		 * @return this builder
		 */
		public Builder functions(Collection<FunctionDefinition> functions) {
			this.functions.addAll(functions);
			return this;
		}

		/**
		 * Build the engine, not yet started.
		 * @return the engine
		 */
		public FanoutEngine build() {
			return new FanoutEngine(this);
		}

	}

}
