package dev.fanout.engine.operations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.CancelRequest;
import dev.fanout.CancelResult;
import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.sending.RunCanceller;
import dev.fanout.store.RunStore;

/**
 * Cancels the runs of one of this application's functions selected by status and creation
 * time, each as a single cancel does, all in one transaction; found by the (function,
 * status, id) index, so a selection reads its own runs only.
 */
public final class BulkCancels {

	private final RunSelections selections;

	private final RunStore store;

	private final RunCanceller cancellations;

	private final TransactionTemplate transaction;

	/**
	 * Create the cancels.
	 * @param registry this application's functions
	 * @param store the store
	 * @param cancellations cancels one run
	 * @param transaction joins the caller's transaction or starts one
	 * @param maxRuns the most runs one request may select
	 */
	public BulkCancels(LocalFunctions registry, RunStore store, RunCanceller cancellations,
			TransactionTemplate transaction, int maxRuns) {
		this.selections = new RunSelections(registry, maxRuns);
		this.store = store;
		this.cancellations = cancellations;
		this.transaction = transaction;
	}

	/**
	 * See {@link dev.fanout.FanoutAdmin#cancel(CancelRequest)}.
	 * @param request which runs
	 * @return the runs cancelled or asked to stop
	 */
	CancelResult cancel(CancelRequest request) {
		String functionId = this.selections.function(request.functionId(), "cancelled").id();
		Instant from = RunSelections.from(request.from());
		Instant to = RunSelections.to(request.to());
		return this.transaction.execute((status) -> {
			this.selections.refuseIfTooMany("cancel", functionId,
					this.store.countRunsOf(functionId, request.statuses(), from, to));
			// Runs created since the count make the selection larger than counted.
			List<String> selected = this.store.runsOf(functionId, request.statuses(), from, to,
					this.selections.maxRuns() + 1);
			this.selections.refuseIfTooMany("cancel", functionId, selected.size());
			List<String> cancelled = new ArrayList<>();
			for (String runId : selected) {
				if (this.cancellations.cancel(runId, "Cancelled by FanoutAdmin")) {
					cancelled.add(runId);
				}
			}
			return new CancelResult(cancelled);
		});
	}

	/**
	 * See {@link dev.fanout.FanoutAdmin#countCancel}.
	 * @param request which runs
	 * @return how many runs it selects now
	 */
	int count(CancelRequest request) {
		String functionId = this.selections.function(request.functionId(), "cancelled").id();
		return this.transaction.execute((status) -> this.store.countRunsOf(functionId, request.statuses(),
				RunSelections.from(request.from()), RunSelections.to(request.to())));
	}

}
