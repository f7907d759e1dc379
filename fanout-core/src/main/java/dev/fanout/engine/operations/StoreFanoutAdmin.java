package dev.fanout.engine.operations;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.CancelRequest;
import dev.fanout.CancelResult;
import dev.fanout.EventInfo;
import dev.fanout.FanoutAdmin;
import dev.fanout.FunctionInfo;
import dev.fanout.ReplayRequest;
import dev.fanout.ReplayResult;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.engine.run.Cancellations;
import dev.fanout.engine.sending.SkippedEvents;
import dev.fanout.store.RunStore;

/**
 * {@link FanoutAdmin} on the run store.
 */
public final class StoreFanoutAdmin implements FanoutAdmin {

	private final RunStore store;

	private final Cancellations cancellations;

	private final TransactionTemplate transaction;

	private final Replays replays;

	private final SkippedEvents skipped;

	/**
	 * Create the admin view.
	 * @param store the store
	 * @param cancellations cancels runs
	 * @param transaction joins the caller's transaction or starts one
	 * @param replays carries out replays
	 * @param skipped the events flow control skipped
	 */
	public StoreFanoutAdmin(RunStore store, Cancellations cancellations, TransactionTemplate transaction,
			Replays replays, SkippedEvents skipped) {
		this.store = store;
		this.cancellations = cancellations;
		this.transaction = transaction;
		this.replays = replays;
		this.skipped = skipped;
	}

	@Override
	public List<RunInfo> runs(RunQuery query) {
		if (query == null) {
			throw new IllegalArgumentException("query must not be null");
		}
		return this.store.runs(query);
	}

	@Override
	public ReplayResult replay(ReplayRequest request) {
		if (request == null) {
			throw new IllegalArgumentException("request must not be null");
		}
		return this.replays.replay(request);
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
	public Map<String, Map<String, Long>> skippedEvents() {
		return this.skipped.counts();
	}

	@Override
	public List<RunInfo> runsForEvent(String eventId) {
		if (eventId == null) {
			throw new IllegalArgumentException("eventId must not be null");
		}
		return this.store.runsForEvent(eventId);
	}

	@Override
	public CancelResult cancel(CancelRequest request) {
		throw new UnsupportedOperationException("TODO i19 core");
	}

	@Override
	public int countCancel(CancelRequest request) {
		throw new UnsupportedOperationException("TODO i19 core");
	}

	@Override
	public int countReplay(ReplayRequest request) {
		throw new UnsupportedOperationException("TODO i19 core");
	}

	@Override
	public void pause(String functionId) {
		throw new UnsupportedOperationException("TODO i19 core");
	}

	@Override
	public void resume(String functionId) {
		throw new UnsupportedOperationException("TODO i19 core");
	}

	@Override
	public List<FunctionInfo> functions() {
		throw new UnsupportedOperationException("TODO i19 core");
	}

	@Override
	public Optional<EventInfo> event(String eventId) {
		throw new UnsupportedOperationException("TODO i19 core");
	}

}
