package dev.fanout.engine.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.run.RunExecutor;
import dev.fanout.engine.run.RunHost;
import dev.fanout.engine.run.WriteFailure;
import dev.fanout.engine.sending.DirectStart;
import dev.fanout.engine.sending.RunCanceller;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.Listening;
import dev.fanout.store.RunStore;

/**
 * Claims due runs and executes them on a bounded pool, one thread per run, so a slow or
 * failing function never holds up another. A dispatcher thread claims as many runs as
 * there are free threads, and under a backlog up to half as many again for the threads
 * that free up next, whenever it is woken (by a local commit, a freed thread or a due
 * retry) or the poll interval passes; a heartbeat extends the leases of the runs in
 * progress. On each pass the dispatcher first creates the runs of the cron ticks that
 * have come, and it never sleeps past the next one. This class starts and stops the
 * parts, and is what runs and sends see of them.
 *
 * @since 0.1.0
 */
public final class Worker implements RunHost, DirectStart {

	private static final Logger logger = LoggerFactory.getLogger(Worker.class);

	private final LocalFunctions registry;

	private final RunStore store;

	private final EngineSettings settings;

	private final Clock clock;

	private final Signal signal = new Signal();

	private final HeldRuns held;

	private final Backlog backlog;

	private final RunExecutor executor;

	private final RunThreads threads;

	private final Heartbeat heartbeat;

	private final Dispatcher dispatcher;

	/** Whether sends may hand runs straight to this worker: started and not stopping. */
	private volatile boolean accepting;

	private boolean started;

	private ScheduledExecutorService timer;

	private volatile Listening listening = Listening.NONE;

	/**
	 * Create a worker.
	 * @param registry this application's functions
	 * @param store the store
	 * @param transaction starts transactions of the worker's own
	 * @param retry retries transient database failures
	 * @param settings the settings
	 * @param clock the clock
	 * @param executors makes the executor of this worker's runs
	 * @param cancellations cancels runs past their timeouts
	 * @param schedules creates the runs of cron ticks
	 */
	public Worker(LocalFunctions registry, RunStore store, TransactionTemplate transaction, RetrySupport retry,
			EngineSettings settings, Clock clock, Function<RunHost, RunExecutor> executors, RunCanceller cancellations,
			Schedules schedules) {
		this.registry = registry;
		this.store = store;
		this.settings = settings;
		this.clock = clock;
		this.held = new HeldRuns(store, transaction, retry, clock, settings);
		// Twice the concurrency: under load a claim takes a few milliseconds, in which
		// the threads take that many runs (BENCHMARKS.md, issue 22).
		this.backlog = new Backlog(2 * settings.concurrency(), this.held, this.signal);
		this.executor = executors.apply(this);
		this.threads = new RunThreads(settings.concurrency(), this.executor, this.held, this.backlog, this.signal,
				registry);
		this.heartbeat = new Heartbeat(store, transaction, clock, settings, this.held);
		Claimer claimer = new Claimer(registry, store, transaction, retry, clock, settings.concurrency(), this.held,
				this.backlog, this.threads, this.signal);
		TimeoutSweep sweep = new TimeoutSweep(registry, store, transaction, retry, clock, cancellations);
		this.dispatcher = new Dispatcher(registry, store, transaction, clock, settings.pollInterval(), schedules,
				claimer, this.backlog, sweep, this.signal);
	}

	/**
	 * Start claiming and executing runs.
	 */
	public synchronized void start() {
		if (this.started) {
			return;
		}
		this.signal.resume();
		this.executor.start();
		this.threads.start();
		this.timer = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("fanout-timer-"));
		this.heartbeat.schedule(this.timer);
		this.dispatcher.start();
		this.started = true;
		this.listening = this.store.listen(this::wake);
		this.accepting = true;
	}

	/**
	 * Stop claiming, let running steps finish within the shutdown timeout, and hand every
	 * run still held back to the queue so another instance (or the next start) picks it
	 * up at once.
	 */
	public synchronized void stop() {
		if (!this.started) {
			return;
		}
		this.accepting = false;
		this.signal.stop();
		stopListening();
		this.listening = Listening.NONE;
		wake();
		try {
			this.dispatcher.join(this.settings.shutdownTimeout().toMillis() + 1000);
			this.threads.shutdown(this.settings.shutdownTimeout());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.executor.stop();
			this.timer.shutdownNow();
			this.backlog.handBackOlderThan(Duration.ZERO);
			this.held.handBackAll();
			this.started = false;
		}
	}

	private void stopListening() {
		try {
			this.listening.close();
		}
		catch (Exception ex) {
			logger.warn("Could not stop listening for other instances' runs", ex);
		}
	}

	/**
	 * Reserve a free thread for a run that a send inserts already started here, so that
	 * it starts the moment the send commits, without a claim. There is none to reserve
	 * under a backlog, so that new runs never overtake queued ones, and none for a
	 * function this instance does not have (another version of the application may).
	 * @param functionId the run's function
	 * @return whether a thread was reserved; if so, the run must be passed to
	 * {@link #startReserved} or the thread to {@link #unreserve}
	 */
	@Override
	public boolean reserve(String functionId) {
		return this.accepting && this.backlog.isClear() && this.registry.get(functionId).isPresent()
				&& this.held.tryTakeThread();
	}

	/**
	 * Start runs on threads reserved for them, once their insert committed; runs that
	 * come too late, as the worker stops, are handed back to the queue.
	 * @param runs the runs, one per reserved thread
	 */
	@Override
	public void startReserved(List<ClaimedRun> runs) {
		this.threads.startReserved(runs);
	}

	/**
	 * Free threads reserved for runs whose insert rolled back.
	 * @param count how many
	 */
	@Override
	public void unreserve(int count) {
		this.held.returnThreads(count);
	}

	/**
	 * The end of the lease of a run started now.
	 * @return when it ends
	 */
	@Override
	public Instant leaseUntil() {
		return this.held.leaseUntil();
	}

	/**
	 * Look for due runs now rather than at the next poll.
	 */
	public void wake() {
		this.signal.wake();
	}

	@Override
	public void wakeAt(Instant due) {
		Duration delay = Duration.between(this.clock.instant(), due);
		if (delay.isNegative() || delay.isZero()) {
			wake();
		}
		else if (delay.compareTo(this.settings.pollInterval()) < 0 && !this.signal.isStopping()) {
			// Later retries are found by the poll; only retries due sooner need a timer
			// to start on time.
			try {
				this.timer.schedule(this::wake, delay.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// Stopping: the run stays queued for the next start or another instance.
			}
		}
	}

	/**
	 * Ask a run in progress here to stop before its next step; a run not held here is
	 * left alone.
	 * @param runId the run
	 */
	public void markCancel(String runId) {
		this.held.markCancel(runId);
	}

	@Override
	public boolean isCancelMarked(String runId) {
		return this.held.isCancelMarked(runId);
	}

	/**
	 * Whether the worker is claiming and executing runs.
	 * @return whether it was started and not stopped
	 */
	public synchronized boolean isStarted() {
		return this.started;
	}

	@Override
	public boolean isStopping() {
		return this.signal.isStopping();
	}

	/**
	 * How many runs this worker holds now: executing, claimed ahead, or ended and waiting
	 * for their end to commit.
	 * @return the number of runs in progress
	 */
	public int activeRuns() {
		return this.held.size();
	}

	/**
	 * This worker's lease owner id, which the runs it holds carry.
	 * @return the owner id
	 */
	@Override
	public String owner() {
		return this.held.owner();
	}

	/**
	 * How many threads are free to take a run now.
	 * @return the free threads, out of the concurrency
	 */
	public int freeThreads() {
		return this.held.freeThreads();
	}

	/**
	 * How many runs wait, claimed ahead under a backlog, for the next free thread.
	 * @return the runs claimed ahead
	 */
	public int claimedAhead() {
		return this.backlog.ahead();
	}

	/**
	 * The last failure of the writer that commits runs' writes together, until a later
	 * batch commits.
	 * @return the failure, or {@code null}
	 */
	public @Nullable WriteFailure lastWriteFailure() {
		return this.executor.lastWriteFailure();
	}

	/**
	 * Since when the listener for other instances' runs has had no connection.
	 * @return the time, or {@code null} while connected, not listening or where nothing
	 * is announced
	 */
	public @Nullable Instant listenerDisconnectedSince() {
		return this.listening.disconnectedSince();
	}

	/**
	 * Whether this worker listens for other instances' runs: started, on a database that
	 * announces them.
	 * @return whether it listens
	 */
	public boolean isListening() {
		return this.listening != Listening.NONE;
	}

}
