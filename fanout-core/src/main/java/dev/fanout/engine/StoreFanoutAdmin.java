package dev.fanout.engine;

import java.util.List;
import java.util.Optional;

import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.store.RunStore;

/**
 * {@link FanoutAdmin} on the run store.
 */
final class StoreFanoutAdmin implements FanoutAdmin {

	private final RunStore store;

	private final Cancellations cancellations;

	private final TransactionTemplate transaction;

	StoreFanoutAdmin(RunStore store, Cancellations cancellations, TransactionTemplate transaction) {
		this.store = store;
		this.cancellations = cancellations;
		this.transaction = transaction;
	}

	@Override
	public void cancel(String runId) {
		if (runId == null) {
			throw new IllegalArgumentException("runId must not be null");
		}
		this.transaction.executeWithoutResult((status) -> this.cancellations.cancel(runId, "Cancelled by FanoutAdmin"));
	}

	@Override
	public Optional<RunInfo> run(String runId) {
		if (runId == null) {
			throw new IllegalArgumentException("runId must not be null");
		}
		return this.store.run(runId);
	}

	@Override
	public List<RunInfo> runsForEvent(String eventId) {
		if (eventId == null) {
			throw new IllegalArgumentException("eventId must not be null");
		}
		return this.store.runsForEvent(eventId);
	}

}
