package dev.fanout.engine.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.run.RunExecutor;
import dev.fanout.engine.run.RunHost;
import dev.fanout.engine.sending.DirectStart;
import dev.fanout.engine.sending.RunCanceller;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.RunStore;

/**
 * Claims due runs and executes them on a bounded pool, one thread per run, so a slow or
 * failing function never holds up another. A dispatcher thread claims as many runs as
 * there are free threads, and under a backlog up to half as many again for the threads
 * that free up next, whenever it is woken (by a local commit, a freed thread or a due
 * retry) or the poll interval passes; a heartbeat extends the leases of the runs in
 * progress. On each pass the dispatcher first creates the runs of the cron ticks that
 * have come, and it never sleeps past the next one.
 */
public final class Worker implements RunHost, DirectStart {

	private static final Logger logger = LoggerFactory.getLogger(Worker.class);

	/**
	 * How often, at most, the dispatcher looks for runs past their timeouts: under load
	 * it loops once per claim, and looking every time would double its queries.
	 */
	private static final Duration OVERDUE_CHECK_INTERVAL = Duration.ofMillis(100);

	/**
	 * How long a future due time read from the database is reused without reading it
	 * again.
	 */
	private static final Duration NEXT_DUE_REUSE = Duration.ofMillis(50);

	/** The longest a claim waits for more threads to free up under a backlog. */
	private static final Duration GATHER = Duration.ofMillis(2);

	private final LocalFunctions registry;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final EngineSettings settings;

	private final Clock clock;

	private final String owner;

	private final RunExecutor executor;

	private final Semaphore slots;

	private final Set<String> active = ConcurrentHashMap.newKeySet();

	/**
	 * Runs claimed ahead under a backlog, each taken by the next thread that finishes a
	 * run, so that threads do not wait for a claim between runs. They are held like
	 * running ones (in {@link #active}), and handed back, as if never claimed, when no
	 * thread took them within a poll interval: threads busy with long steps must not keep
	 * them from other instances.
	 */
	private final Queue<Ahead> ahead = new ConcurrentLinkedQueue<>();

	/** The most runs claimed ahead. */
	private final int claimAhead;

	/**
	 * Whether a thread took a run claimed ahead since the last claim: runs are claimed
	 * ahead only while threads turn over, not while they are all stuck.
	 */
	private volatile boolean taken;

	/**
	 * Runs in progress here that a local cancellation asked to stop before their next
	 * step.
	 */
	private final Set<String> cancelMarks = ConcurrentHashMap.newKeySet();

	private final RunCanceller cancellations;

	private final Schedules crons;

	private final Object signal = new Object();

	private boolean woken;

	/**
	 * When the dispatcher last looked for runs past their timeouts
	 * ({@link System#nanoTime()}).
	 */
	private long overdueCheckedAt = System.nanoTime() - OVERDUE_CHECK_INTERVAL.toNanos();

	/**
	 * The next due time last read, and when ({@link System#nanoTime()}); dispatcher only.
	 */
	private @Nullable Instant nextDue;

	private long nextDueReadAt;

	private volatile boolean backlog;

	private volatile boolean stopping;

	/** Whether sends may hand runs straight to this worker: started and not stopping. */
	private volatile boolean accepting;

	private ExecutorService pool;

	private ScheduledExecutorService timer;

	private Thread dispatcher;

	private AutoCloseable listening = () -> {
	};

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
		this.transaction = transaction;
		this.retry = retry;
		this.settings = settings;
		this.clock = clock;
		this.owner = settings.appId() + ":" + UUID.randomUUID();
		this.slots = new Semaphore(settings.concurrency());
		this.claimAhead = settings.concurrency() / 2;
		this.cancellations = cancellations;
		this.crons = schedules;
		this.executor = executors.apply(this);
	}

	/**
	 * Start claiming and executing runs.
	 */
	public synchronized void start() {
		if (this.dispatcher != null) {
			return;
		}
		this.stopping = false;
		this.executor.start();
		this.pool = Executors.newFixedThreadPool(this.settings.concurrency(), threads("fanout-run-"));
		this.timer = Executors.newSingleThreadScheduledExecutor(threads("fanout-timer-"));
		long heartbeat = Math.max(this.settings.leaseDuration().toMillis() / 3, 100);
		this.timer.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
		this.timer.scheduleWithFixedDelay(this::seen, 1, 1, TimeUnit.MINUTES);
		this.dispatcher = threads("fanout-dispatcher-").newThread(this::dispatch);
		this.dispatcher.start();
		this.listening = this.store.listen(this::wake);
		this.accepting = true;
	}

	/**
	 * Stop claiming, let running steps finish within the shutdown timeout, and hand every
	 * run still held back to the queue so another instance (or the next start) picks it
	 * up at once.
	 */
	public synchronized void stop() {
		if (this.dispatcher == null) {
			return;
		}
		this.accepting = false;
		this.stopping = true;
		stopListening();
		wake();
		try {
			this.dispatcher.join(this.settings.shutdownTimeout().toMillis() + 1000);
			this.pool.shutdown();
			if (!this.pool.awaitTermination(this.settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Runs {} did not finish their steps within {}; interrupting them", this.active,
						this.settings.shutdownTimeout());
				this.pool.shutdownNow();
				this.pool.awaitTermination(1, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.executor.stop();
			this.timer.shutdownNow();
			handBackAhead(0);
			releaseHeld();
			this.dispatcher = null;
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

	private void releaseHeld() {
		handBack(List.copyOf(this.active), false);
	}

	/**
	 * Hand runs back to the queue, those never started as if never claimed.
	 */
	private void handBack(List<String> runIds, boolean neverStarted) {
		if (!runIds.isEmpty()) {
			try {
				this.retry.onTransientFailure(() -> this.transaction
					.execute((status) -> neverStarted ? this.store.unclaim(this.owner, runIds, now())
							: this.store.release(this.owner, runIds, now())));
			}
			catch (RuntimeException ex) {
				logger.warn("Could not hand back runs {}; they are claimable again when their lease expires", runIds,
						ex);
			}
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
		return this.accepting && !this.backlog && this.ahead.isEmpty() && this.registry.get(functionId).isPresent()
				&& this.slots.tryAcquire();
	}

	/**
	 * Start runs on threads reserved for them, once their insert committed; runs that
	 * come too late, as the worker stops, are handed back to the queue.
	 * @param runs the runs, one per reserved thread
	 */
	@Override
	public void startReserved(List<ClaimedRun> runs) {
		List<String> refused = new ArrayList<>();
		for (ClaimedRun run : runs) {
			this.active.add(run.id());
			try {
				this.pool.execute(() -> execute(run));
			}
			catch (RejectedExecutionException ex) {
				this.active.remove(run.id());
				this.slots.release();
				refused.add(run.id());
			}
		}
		handBack(refused, false);
	}

	/**
	 * Free threads reserved for runs whose insert rolled back.
	 * @param count how many
	 */
	@Override
	public void unreserve(int count) {
		this.slots.release(count);
	}

	/**
	 * The end of the lease of a run started now.
	 * @return when it ends
	 */
	@Override
	public Instant leaseUntil() {
		return now().plus(this.settings.leaseDuration());
	}

	/**
	 * Look for due runs now rather than at the next poll.
	 */
	public void wake() {
		synchronized (this.signal) {
			this.woken = true;
			this.signal.notifyAll();
		}
	}

	@Override
	public void wakeAt(Instant due) {
		Duration delay = Duration.between(now(), due);
		if (delay.isNegative() || delay.isZero()) {
			wake();
		}
		else if (delay.compareTo(this.settings.pollInterval()) < 0 && !this.stopping) {
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

	private void dispatch() {
		while (!this.stopping) {
			// Before claiming, so that a tick's new run is claimed on this pass.
			this.crons.fireDue();
			handBackAhead(this.settings.pollInterval().toNanos());
			if (!claimAndSubmit(gatherFreeThreads())) {
				cancelOverdue();
				// With every thread busy the next due time does not matter: a finishing
				// run wakes the dispatcher, and waiting for the due time would spin.
				await(untilNextTick(this.backlog ? this.settings.pollInterval() : untilNextDue()));
			}
		}
	}

	/**
	 * How many threads are free to take runs. Under a backlog they free up one at a time
	 * as runs end; claiming for each would cost a claim transaction per run, so wait a
	 * moment (at most {@link #GATHER}) for a quarter of the pool to be free.
	 */
	private int gatherFreeThreads() {
		int free = this.slots.availablePermits();
		int batch = Math.max(1, this.settings.concurrency() / 4);
		if (this.backlog && free > 0 && free < batch) {
			try {
				if (this.slots.tryAcquire(batch, GATHER.toNanos(), TimeUnit.NANOSECONDS)) {
					this.slots.release(batch);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.stopping = true;
			}
			free = this.slots.availablePermits();
		}
		return free;
	}

	/**
	 * How long to wait: until the next sleeping, waiting or retrying run is due (so it
	 * resumes on time without a timer per run), and at most one poll interval.
	 */
	private Duration untilNextDue() {
		Duration poll = this.settings.pollInterval();
		Instant now = now();
		Instant next = this.nextDue;
		// Under load the dispatcher loops often: a future due time read a moment ago
		// still stands, and local pauses and retries set timers of their own.
		if (next == null || !next.isAfter(now) || System.nanoTime() - this.nextDueReadAt > NEXT_DUE_REUSE.toNanos()) {
			try {
				Optional<Instant> read = this.transaction.execute((status) -> this.store.nextDue(this.registry.ids()));
				next = (read != null) ? read.orElse(null) : null;
				this.nextDue = next;
				this.nextDueReadAt = System.nanoTime();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not read when the next run is due; polling", ex);
				return poll;
			}
		}
		if (next == null) {
			return poll;
		}
		Duration wait = Duration.between(now, next);
		return wait.isNegative() ? Duration.ZERO : (wait.compareTo(poll) < 0) ? wait : poll;
	}

	/**
	 * A wait cut short by the next cron tick, so that ticks fire on time.
	 */
	private Duration untilNextTick(Duration wait) {
		Optional<Instant> tick = this.crons.nextCheck();
		if (tick.isEmpty()) {
			return wait;
		}
		Duration untilTick = Duration.between(now(), tick.get());
		return untilTick.isNegative() ? Duration.ZERO : (untilTick.compareTo(wait) < 0) ? untilTick : wait;
	}

	private void cancelOverdue() {
		// Only runs of functions with @Timeouts have deadlines; without any, the query
		// would only cost time, a lot of it over a deep queue.
		if (this.registry.all()
			.stream()
			.noneMatch((function) -> function.startTimeout() != null || function.finishTimeout() != null)) {
			return;
		}
		long now = System.nanoTime();
		if (now - this.overdueCheckedAt < OVERDUE_CHECK_INTERVAL.toNanos()) {
			return;
		}
		this.overdueCheckedAt = now;
		try {
			List<Map.Entry<String, String>> overdue = this.transaction
				.execute((status) -> this.store.overdue(now(), 100));
			for (Map.Entry<String, String> run : overdue) {
				this.retry.onTransientFailure(() -> this.transaction
					.execute((status) -> this.cancellations.cancel(run.getKey(), String.valueOf(run.getValue()))));
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not cancel runs past their timeouts; trying again at the next poll", ex);
		}
	}

	public void markCancel(String runId) {
		if (this.active.contains(runId)) {
			this.cancelMarks.add(runId);
		}
	}

	@Override
	public boolean isCancelMarked(String runId) {
		return this.cancelMarks.contains(runId);
	}

	/**
	 * Start runs on free threads, those claimed ahead first, then claim for the threads
	 * left and ahead for those to come. The threads are taken before claiming: a send may
	 * reserve threads meanwhile.
	 * @return whether the claim took all it asked for, so more runs may be due at once
	 */
	private boolean claimAndSubmit(int free) {
		int held = 0;
		while (held < free && this.slots.tryAcquire()) {
			held++;
		}
		int started = 0;
		ClaimedRun ready;
		while (started < held && (ready = next()) != null) {
			submit(ready);
			started++;
		}
		int room = held - started;
		boolean turning = held > 0 || this.taken;
		this.taken = false;
		int limit = room + (turning ? Math.max(0, this.claimAhead - this.ahead.size()) : 0);
		if (limit == 0 || (room == 0 && this.ahead.size() > this.claimAhead / 2)) {
			// Every thread is busy, and enough runs are claimed ahead for the next ones
			// or none are taken; claiming for each one taken would make a claim per run.
			this.backlog = true;
			return false;
		}
		List<ClaimedRun> runs = List.of();
		try {
			runs = this.retry.onTransientFailure(() -> this.transaction
				.execute((status) -> this.store.claim(this.owner, this.registry.ids(), limit, now(), leaseUntil())));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not claim runs; trying again at the next poll", ex);
		}
		int starting = Math.min(room, runs.size());
		this.slots.release(room - starting);
		for (int i = 0; i < runs.size(); i++) {
			ClaimedRun run = runs.get(i);
			this.active.add(run.id());
			if (i < starting) {
				submit(run);
			}
			else {
				this.ahead.add(new Ahead(run, System.nanoTime()));
			}
		}
		this.backlog = runs.size() == limit;
		return this.backlog;
	}

	private void submit(ClaimedRun run) {
		this.pool.execute(() -> execute(run));
	}

	/**
	 * The next run claimed ahead, if any; the dispatcher is woken to claim more once half
	 * of them are taken.
	 */
	private @Nullable ClaimedRun next() {
		Ahead next = this.ahead.poll();
		if (next == null) {
			return null;
		}
		this.taken = true;
		if (this.backlog && this.ahead.size() <= this.claimAhead / 2) {
			wake();
		}
		return next.run();
	}

	/**
	 * Hand back the runs claimed ahead longer ago than the given age, as if never
	 * claimed.
	 */
	private void handBackAhead(long olderThanNanos) {
		long now = System.nanoTime();
		List<String> stale = new ArrayList<>();
		for (Ahead run : this.ahead) {
			if (now - run.claimedAt() >= olderThanNanos && this.ahead.remove(run)) {
				stale.add(run.run().id());
			}
		}
		stale.forEach(this.active::remove);
		handBack(stale, true);
	}

	/**
	 * Execute a run, then those claimed ahead while there are any, and free the thread:
	 * each run stays held here (its lease extended, handed back on stop) until its
	 * outcome is committed.
	 */
	private void execute(ClaimedRun first) {
		try {
			for (ClaimedRun run = first; run != null; run = this.stopping ? null : next()) {
				executeOne(run);
			}
		}
		finally {
			this.slots.release();
			if (this.backlog) {
				wake();
			}
		}
	}

	private void executeOne(ClaimedRun run) {
		CompletableFuture<Void> recorded;
		try {
			recorded = this.executor.execute(run);
		}
		catch (RuntimeException | Error ex) {
			recorded = CompletableFuture.failedFuture(ex);
		}
		recorded.whenComplete((ignored, failure) -> {
			if (failure != null) {
				logger.error("Run {} of {} could not record its outcome; it runs again once its lease expires",
						run.id(), run.functionId(), failure);
			}
			this.active.remove(run.id());
			this.cancelMarks.remove(run.id());
		});
	}

	private void heartbeat() {
		if (this.active.isEmpty()) {
			return;
		}
		try {
			this.transaction
				.execute((status) -> this.store.extendLeases(this.owner, List.copyOf(this.active), leaseUntil()));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not extend the leases of runs {}", this.active, ex);
		}
	}

	/**
	 * Keep this application's last-seen time in the function table current, so an
	 * operator can tell a retired application from a running one.
	 */
	private void seen() {
		try {
			this.transaction.executeWithoutResult((status) -> this.store.touchFunctions(this.settings.appId(), now()));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record that application '{}' is running", this.settings.appId(), ex);
		}
	}

	private void await(Duration timeout) {
		synchronized (this.signal) {
			if (!this.woken && !this.stopping) {
				try {
					// At least 1 ms: wait(0) would wait forever.
					this.signal.wait(Math.max(1, timeout.toMillis()));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.stopping = true;
				}
			}
			this.woken = false;
		}
	}

	/**
	 * Whether the worker is claiming and executing runs.
	 * @return whether it was started and not stopped
	 */
	public synchronized boolean isStarted() {
		return this.dispatcher != null;
	}

	@Override
	public boolean isStopping() {
		return this.stopping;
	}

	@Override
	public String owner() {
		return this.owner;
	}

	/**
	 * How many runs this worker holds now: executing, claimed ahead, or ended and waiting
	 * for their end to commit.
	 * @return the number of runs in progress
	 */
	public int activeRuns() {
		return this.active.size();
	}

	private Instant now() {
		return this.clock.instant();
	}

	/** A run claimed ahead, and when ({@link System#nanoTime()}). */
	private record Ahead(ClaimedRun run, long claimedAt) {
	}

	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
