package dev.fanout.engine.run;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.StepStatus;
import dev.fanout.engine.step.Interruption;
import dev.fanout.engine.step.Refusal;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStep;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredStep;

/**
 * The writes of the runs a worker holds, shared by their execution and their journals:
 * each fenced by the worker's lease, each in a transaction of its own (never the
 * function's) or committed together with other runs' writes.
 */
final class RunWrites {

	private static final Logger logger = LoggerFactory.getLogger(RunWrites.class);

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final RunHost host;

	private final Clock clock;

	private final GroupCommit commits;

	private final GroupCommit.Bulk<RunWrite> runWrites;

	RunWrites(RunStore store, TransactionTemplate transaction, RetrySupport retry, RunHost host, Clock clock) {
		this.store = store;
		this.transaction = transaction;
		this.retry = retry;
		this.host = host;
		this.clock = clock;
		this.commits = new GroupCommit(transaction, retry);
		this.runWrites = this::write;
	}

	RunStore store() {
		return this.store;
	}

	RunHost host() {
		return this.host;
	}

	GroupCommit commits() {
		return this.commits;
	}

	GroupCommit.Bulk<RunWrite> runWrites() {
		return this.runWrites;
	}

	/**
	 * A batch's steps and ends in one call: a run's last step is stored with its end, and
	 * a run whose step was refused is not ended.
	 */
	private boolean[] write(List<RunWrite> writes) {
		List<Integer> stepped = indexes(writes, (write) -> write.step() != null);
		List<Integer> ending = indexes(writes, (write) -> write.end() != null);
		boolean[] flags = this.store.saveStepsAndFinish(owner(),
				stepped.stream()
					.map((i) -> new RunStep(writes.get(i).runId(), Objects.requireNonNull(writes.get(i).step())))
					.toList(),
				ending.stream().map((i) -> Objects.requireNonNull(writes.get(i).end())).toList());
		boolean[] written = new boolean[writes.size()];
		Arrays.fill(written, true);
		for (int j = 0; j < flags.length; j++) {
			int i = (j < stepped.size()) ? stepped.get(j) : ending.get(j - stepped.size());
			written[i] &= flags[j];
		}
		return written;
	}

	private static List<Integer> indexes(List<RunWrite> writes, Predicate<RunWrite> which) {
		return IntStream.range(0, writes.size()).filter((i) -> which.test(writes.get(i))).boxed().toList();
	}

	/**
	 * Store a step, together with other runs' writes, and if the lease held, make a
	 * further write in the same transaction.
	 * @return whether the lease held and the further write succeeded
	 * @throws Refusal to hand the run back, when the write failed with its whole batch:
	 * nothing was written, and another attempt may succeed
	 */
	boolean saveStep(String runId, StoredStep step, Supplier<Boolean> then) {
		try {
			return this.commits.commit(this.runWrites, new RunWrite(runId, step, null), (held) -> held && then.get());
		}
		catch (GroupCommit.BatchFailedException ex) {
			logger.warn("Run {} is handed back: its write failed with its batch", runId, ex);
			throw new Refusal(new Interruption.Suspend());
		}
	}

	/**
	 * Why a fenced write was refused: a pending cancellation, or the lease went to
	 * another owner.
	 */
	Interruption lostOrCancelled(String runId) {
		Optional<String> reason = db(() -> this.store.cancelRequested(runId, owner()));
		return reason.<Interruption>map(Interruption.Cancelled::new).orElseGet(Interruption.LeaseLost::new);
	}

	/**
	 * Why a step's write was refused. A completed step of a run asked to cancel is stored
	 * all the same: it finished before the cancellation could stop the run, and a resumed
	 * replay must not repeat its work.
	 */
	Interruption stepRefused(String runId, StoredStep step) {
		Interruption reason = lostOrCancelled(runId);
		if (reason instanceof Interruption.Cancelled && step.status() == StepStatus.COMPLETED) {
			db(() -> this.store.saveStepOfCancellingRun(runId, owner(), step));
		}
		return reason;
	}

	/**
	 * The refusal of a fenced write: why the run is no longer this worker's to write.
	 */
	Refusal refused(String runId) {
		return new Refusal(lostOrCancelled(runId));
	}

	/**
	 * A write of a run's progress, committed together with other runs' writes.
	 */
	<T> T commit(Supplier<T> work) {
		return this.commits.commit(work);
	}

	/**
	 * Run store work in its own transaction (never the function's), retried on transient
	 * failures.
	 */
	<T> T db(Supplier<T> work) {
		return this.retry.onTransientFailure(() -> this.transaction.execute((status) -> work.get()));
	}

	String owner() {
		return this.host.owner();
	}

	Instant now() {
		return this.clock.instant();
	}

}
