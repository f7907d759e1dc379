package dev.fanout.engine.operations;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
import dev.fanout.ReplayResult;
import dev.fanout.engine.function.FunctionCatalog;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.function.GateKeys;
import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.sending.EventWriter;
import dev.fanout.engine.support.Transactions;
import dev.fanout.spi.FanoutMetrics;
import dev.fanout.store.GateOpening;
import dev.fanout.store.NewRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.ReplayableRun;
import dev.fanout.store.RunStore;

/**
 * Carries out replay requests, each once: the request row is written first, so a repeat
 * (or a concurrent twin) finds it and gets what the first queued. Replayed runs are due
 * one after the other at the replay rate, so the workers take live runs, due now, before
 * the later replays. Flow control that decides when events are sent does not apply: a
 * replay runs again what was chosen, and a fresh replay of a batched run gets its batch.
 */
public final class Replays {

	private final FunctionCatalog directory;

	private final RunSelections selections;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final double rate;

	private final Runnable onCommit;

	private final FanoutMetrics metrics;

	/**
	 * Create the replays.
	 * @param directory the functions of every application
	 * @param registry this application's functions
	 * @param store the store
	 * @param transaction starts transactions of its own
	 * @param clock the clock
	 * @param rate replayed runs a second, more than 0 as the engine settings ensure
	 * @param maxRuns the most runs one request may select
	 * @param onCommit called after a commit that queued runs
	 * @param metrics told of the runs a fresh replay created, after commit
	 */
	public Replays(FunctionCatalog directory, LocalFunctions registry, RunStore store, TransactionTemplate transaction,
			Clock clock, double rate, int maxRuns, Runnable onCommit, FanoutMetrics metrics) {
		this.directory = directory;
		this.selections = new RunSelections(registry, maxRuns);
		this.store = store;
		this.transaction = transaction;
		this.clock = clock;
		this.rate = rate;
		this.onCommit = onCommit;
		this.metrics = metrics;
	}

	ReplayResult replay(ReplayRequest request) {
		FunctionDefinition function = this.selections.function(request.functionId(), "replayed");
		try {
			return this.transaction.execute((status) -> replayOnce(function, request));
		}
		catch (DuplicateKeyException ex) {
			// The same request, carried out at the same time elsewhere: answer as it did.
			Optional<List<String>> queued = this.transaction.execute((status) -> this.store.replayed(request.id()));
			return new ReplayResult(request.id(), queued.orElseThrow(() -> ex));
		}
	}

	/**
	 * How many runs a replay would queue now; see
	 * {@link dev.fanout.FanoutAdmin#countReplay}.
	 * @param request which runs
	 * @return the count
	 */
	int count(ReplayRequest request) {
		FunctionDefinition function = this.selections.function(request.functionId(), "replayed");
		return this.transaction.execute((status) -> this.store.countReplayableRuns(function.id(), request.status(),
				RunSelections.from(request.from()), RunSelections.to(request.to()), request.runId()));
	}

	private void refuseIfTooMany(ReplayRequest request, int selected) {
		this.selections.refuseIfTooMany("replay", request.functionId(), selected);
	}

	private ReplayResult replayOnce(FunctionDefinition function, ReplayRequest request) {
		Optional<List<String>> done = this.store.replayed(request.id());
		if (done.isPresent()) {
			return new ReplayResult(request.id(), done.get());
		}
		Instant now = this.clock.instant();
		Instant from = RunSelections.from(request.from());
		Instant to = RunSelections.to(request.to());
		refuseIfTooMany(request,
				this.store.countReplayableRuns(function.id(), request.status(), from, to, request.runId()));
		this.store.startReplay(request.id(), function.id(), request.mode().name(), now);
		FunctionCatalog.Target target = this.directory.local(function);
		List<ReplayableRun> runs = this.store.replayableRuns(function.id(), request.status(), from, to,
				request.runId());
		refuseIfTooMany(request, runs.size());
		List<NewRun> fresh = new ArrayList<>();
		List<NewWait> waits = new ArrayList<>();
		List<GateOpening> gates = new ArrayList<>();
		List<String> queued = new ArrayList<>();
		for (ReplayableRun run : runs) {
			Instant due = now.plusNanos((long) (queued.size() * 1_000_000_000L / this.rate));
			String runId = run.id();
			if (request.mode() == ReplayMode.FRESH) {
				NewRun replay = EventWriter.replayRun(target, run, due, now);
				fresh.add(replay);
				runId = replay.id();
				if (function.flow().batch() != null) {
					this.store.copyBatchEvents(run.id(), runId);
				}
			}
			else if (!this.store.requeueForReplay(run.id(), request.status(), due)) {
				continue;
			}
			GateOpening gate = GateKeys.opening(target.appId(), target.functionId(), run.flow(), due);
			if (gate != null) {
				gates.add(gate);
			}
			queued.add(runId);
			waits.addAll(EventWriter.cancelWaits(target, runId, now, null));
		}
		this.store.insert(List.of(), fresh, waits);
		if (!fresh.isEmpty()) {
			Transactions.afterCommit(() -> this.metrics.runsCreated(function.id(), fresh.size()));
		}
		this.store.openGates(GateKeys.merged(gates));
		this.store.finishReplay(request.id(), queued);
		if (!queued.isEmpty()) {
			Transactions.afterCommit(this.onCommit);
			this.store.announce(List.of(target.appId()));
		}
		return new ReplayResult(request.id(), queued);
	}

}
