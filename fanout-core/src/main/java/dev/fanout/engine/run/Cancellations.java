package dev.fanout.engine.run;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import dev.fanout.RunStatus;
import dev.fanout.engine.event.StoredEvents;
import dev.fanout.engine.observe.Telemetry;
import dev.fanout.engine.sending.RunCanceller;
import dev.fanout.engine.support.Transactions;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.RunStore;

/**
 * Cancels runs, in the current transaction: a queued, sleeping or waiting run ends at
 * once; a running one is asked to stop before its next step, which its worker learns from
 * a local signal or, on another instance, when it next records a step.
 */
public final class Cancellations implements RunCanceller {

	private final RunStore store;

	private final RunEndings endings;

	private final PayloadSerializer serializer;

	private final Clock clock;

	private final Consumer<String> onRequested;

	private final Telemetry telemetry;

	/**
	 * Create the cancellations.
	 * @param store the store
	 * @param endings what follows a run's end
	 * @param serializer reads triggers
	 * @param clock the clock
	 * @param onRequested told, after commit, of a running run asked to stop
	 * @param telemetry told, after commit, of the runs cancelled
	 */
	public Cancellations(RunStore store, RunEndings endings, PayloadSerializer serializer, Clock clock,
			Consumer<String> onRequested, Telemetry telemetry) {
		this.store = store;
		this.endings = endings;
		this.serializer = serializer;
		this.clock = clock;
		this.onRequested = onRequested;
		this.telemetry = telemetry;
	}

	/**
	 * Cancel a run.
	 * @param runId the run
	 * @param reason why, recorded as the run's error
	 * @return whether the run was cancelled or asked to stop; false when it had already
	 * ended
	 */
	@Override
	public boolean cancel(String runId, String reason) {
		Instant now = this.clock.instant();
		Optional<ClaimedRun> parked = this.store.cancelParked(runId, reason, now);
		if (parked.isPresent()) {
			ClaimedRun run = parked.get();
			this.endings.cancelled(run, StoredEvents.trigger(run, this.serializer), reason);
			Transactions.afterCommit(
					() -> this.telemetry.runEnded(run.functionId(), RunStatus.CANCELLED, run.startedAt(), now));
			return true;
		}
		if (this.store.requestCancel(runId, reason)) {
			Transactions.afterCommit(() -> this.onRequested.accept(runId));
			return true;
		}
		return false;
	}

}
