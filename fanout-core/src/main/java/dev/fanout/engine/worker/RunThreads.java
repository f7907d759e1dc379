package dev.fanout.engine.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.run.RunExecutor;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.GateLimits;

/**
 * The bounded pool that executes runs, one thread per run, so that a slow or failing
 * function never holds up another; a thread that finishes a run takes the next one
 * claimed ahead.
 */
final class RunThreads {

	private static final Logger logger = LoggerFactory.getLogger(RunThreads.class);

	private final int concurrency;

	private final RunExecutor executor;

	private final HeldRuns held;

	private final Backlog backlog;

	private final Signal signal;

	private final LocalFunctions functions;

	private ExecutorService pool;

	RunThreads(int concurrency, RunExecutor executor, HeldRuns held, Backlog backlog, Signal signal,
			LocalFunctions functions) {
		this.concurrency = concurrency;
		this.executor = executor;
		this.held = held;
		this.backlog = backlog;
		this.signal = signal;
		this.functions = functions;
	}

	void start() {
		this.pool = Executors.newFixedThreadPool(this.concurrency, new DaemonThreads("fanout-run-"));
	}

	/**
	 * Execute a held run on the thread taken for it.
	 */
	void submit(ClaimedRun run) {
		this.pool.execute(() -> execute(run));
	}

	/**
	 * Start runs on threads reserved for them; runs that come too late, as the worker
	 * stops, are handed back to the queue.
	 */
	void startReserved(List<ClaimedRun> runs) {
		List<String> refused = new ArrayList<>();
		for (ClaimedRun run : runs) {
			this.held.hold(run.id());
			try {
				submit(run);
			}
			catch (RejectedExecutionException ex) {
				this.held.forget(run.id());
				this.held.returnThreads(1);
				refused.add(run.id());
			}
		}
		this.held.handBack(refused, false);
	}

	private boolean holdsSlot(String functionId) {
		GateLimits limits = this.functions.gateLimits().get(functionId);
		return limits != null && limits.slot1() > 0;
	}

	/**
	 * Let running steps finish within the timeout, then interrupt them.
	 */
	void shutdown(Duration timeout) throws InterruptedException {
		this.pool.shutdown();
		if (!this.pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			logger.warn("Runs {} did not finish their steps within {}; interrupting them", this.held.ids(), timeout);
			this.pool.shutdownNow();
			this.pool.awaitTermination(1, TimeUnit.SECONDS);
		}
	}

	/**
	 * Execute a run, then those claimed ahead while there are any, and free the thread:
	 * each run stays held here (its lease extended, handed back on stop) until its
	 * outcome is committed.
	 */
	private void execute(ClaimedRun first) {
		try {
			for (ClaimedRun run = first; run != null; run = this.signal.isStopping() ? null : this.backlog.next()) {
				executeOne(run);
			}
		}
		finally {
			this.held.returnThreads(1);
			if (this.backlog.isOn()) {
				this.signal.wake();
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
				logger.error("Run {} of {} could not record its outcome; it is handed back to the queue", run.id(),
						run.functionId(), failure);
				this.held.handBack(List.of(run.id()), false);
			}
			this.held.ended(run.id());
			// The committed end freed a concurrency slot: runs queued behind it may
			// start.
			if (holdsSlot(run.functionId())) {
				this.signal.wake();
			}
		});
	}

}
