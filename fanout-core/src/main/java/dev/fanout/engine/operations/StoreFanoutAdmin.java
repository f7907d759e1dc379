package dev.fanout.engine.operations;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
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
import dev.fanout.RunStatus;
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

	private final BulkCancels bulkCancels;

	private final Pauses pauses;

	private final FunctionOverview functions;

	/**
	 * Create the admin view.
	 * @param store the store
	 * @param cancellations cancels runs
	 * @param transaction joins the caller's transaction or starts one
	 * @param replays carries out replays
	 * @param skipped the events flow control skipped
	 * @param bulkCancels cancels runs by function, status and time
	 * @param pauses pauses and resumes functions
	 * @param functions the functions of every application
	 */
	public StoreFanoutAdmin(RunStore store, Cancellations cancellations, TransactionTemplate transaction,
			Replays replays, SkippedEvents skipped, BulkCancels bulkCancels, Pauses pauses,
			FunctionOverview functions) {
		this.store = store;
		this.cancellations = cancellations;
		this.transaction = transaction;
		this.replays = replays;
		this.skipped = skipped;
		this.bulkCancels = bulkCancels;
		this.pauses = pauses;
		this.functions = functions;
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
	public Map<String, RunStatus> statuses(Collection<String> runIds) {
		if (runIds == null) {
			throw new IllegalArgumentException("runIds must not be null");
		}
		return this.store.statuses(runIds);
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
		return this.bulkCancels.cancel(required(request, "request"));
	}

	@Override
	public int countCancel(CancelRequest request) {
		return this.bulkCancels.count(required(request, "request"));
	}

	@Override
	public int countReplay(ReplayRequest request) {
		return this.replays.count(required(request, "request"));
	}

	@Override
	public void pause(String functionId) {
		this.pauses.pause(required(functionId, "functionId"));
	}

	@Override
	public void resume(String functionId) {
		this.pauses.resume(required(functionId, "functionId"));
	}

	@Override
	public List<FunctionInfo> functions() {
		return this.functions.functions();
	}

	@Override
	public Optional<EventInfo> event(String eventId) {
		return this.store.event(required(eventId, "eventId"));
	}

	private static <T> T required(@Nullable T value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
		return value;
	}

}
