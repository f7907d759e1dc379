package dev.fanout.engine.sending;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fanout.engine.support.Transactions;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.NewEvent;
import dev.fanout.store.NewRun;
import dev.fanout.store.RunStore;

/**
 * The runs of one send that start on the local worker as the send commits (see
 * {@link DirectStart}): due runs of this application's functions behind no gate, while
 * the worker has threads free, but not those of a paused function. Which functions are
 * paused is read in the send's transaction, once, and only when a run would start here,
 * so that sends under load, which find no thread free, pay nothing for it.
 */
final class LocalStarts {

	private final @Nullable DirectStart worker;

	private final String appId;

	private final RunStore store;

	private final List<ClaimedRun> started = new ArrayList<>();

	private @Nullable Set<String> paused;

	/**
	 * The starts of a send.
	 * @param worker the local worker, or {@code null} when the send starts nothing here
	 * @param appId this application
	 * @param store the store, in the send's transaction
	 */
	LocalStarts(@Nullable DirectStart worker, String appId, RunStore store) {
		this.worker = worker;
		this.appId = appId;
		this.store = store;
	}

	/**
	 * A new run, started here if it may be.
	 * @param run the run, queued
	 * @param event its trigger's row
	 * @return the run, started or still queued
	 */
	NewRun startIfFree(NewRun run, NewEvent event) {
		DirectStart local = this.worker;
		// A run behind a gate starts when a claim lets it through.
		if (local == null || !run.appId().equals(this.appId) || run.flow().isGated()
				|| !local.reserve(run.functionId())) {
			return run;
		}
		if (isPaused(run.functionId())) {
			local.unreserve(1);
			return run;
		}
		NewRun startedRun = run.startedBy(local.owner(), local.leaseUntil());
		this.started.add(ClaimedRun.started(startedRun, event));
		return startedRun;
	}

	private boolean isPaused(String functionId) {
		if (this.paused == null) {
			this.paused = this.store.pausedFunctionIds();
		}
		return this.paused.contains(functionId);
	}

	/**
	 * Hand the started runs to the worker once the send commits, or give their threads
	 * back if it rolls back: registered before the send's inserts, so that a failing one
	 * frees the threads too.
	 */
	void handOverAtCompletion() {
		DirectStart local = this.worker;
		if (local != null && !this.started.isEmpty()) {
			List<ClaimedRun> runs = List.copyOf(this.started);
			Transactions.afterCompletion(() -> local.startReserved(runs), () -> local.unreserve(runs.size()));
		}
	}

}
