package dev.fanout.engine;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.RunStore;

/**
 * Cancels runs, in the current transaction: a queued, sleeping or waiting run ends at
 * once; a running one is asked to stop before its next step, which its worker learns from
 * a local signal or, on another instance, when it next records a step.
 */
final class Cancellations {

	private final RunStore store;

	private final RunEndings endings;

	private final PayloadSerializer serializer;

	private final Clock clock;

	private final Consumer<String> onRequested;

	Cancellations(RunStore store, RunEndings endings, PayloadSerializer serializer, Clock clock,
			Consumer<String> onRequested) {
		this.store = store;
		this.endings = endings;
		this.serializer = serializer;
		this.clock = clock;
		this.onRequested = onRequested;
	}

	/**
	 * Cancel a run.
	 * @param runId the run
	 * @param reason why, recorded as the run's error
	 * @return whether the run was cancelled or asked to stop; false when it had already
	 * ended
	 */
	boolean cancel(String runId, String reason) {
		Optional<ClaimedRun> parked = this.store.cancelParked(runId, reason, this.clock.instant());
		if (parked.isPresent()) {
			ClaimedRun run = parked.get();
			this.endings.cancelled(run, StoredEvents.trigger(run, this.serializer), reason);
			return true;
		}
		if (this.store.requestCancel(runId, reason)) {
			Transactions.afterCommit(() -> this.onRequested.accept(runId));
			return true;
		}
		return false;
	}

}
