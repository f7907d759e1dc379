package dev.fanout.engine.run;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.step.Interruption;
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

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final RunHost host;

	private final Clock clock;

	private final GroupCommit commits;

	private final GroupCommit.Bulk<RunStep> stepWrites;

	private final GroupCommit.Bulk<RunEnd> runEnds;

	RunWrites(RunStore store, TransactionTemplate transaction, RetrySupport retry, RunHost host, Clock clock) {
		this.store = store;
		this.transaction = transaction;
		this.retry = retry;
		this.host = host;
		this.clock = clock;
		this.commits = new GroupCommit(transaction, retry);
		this.stepWrites = (steps) -> store.saveSteps(owner(), steps);
		this.runEnds = (ends) -> store.finish(owner(), ends);
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

	GroupCommit.Bulk<RunEnd> runEnds() {
		return this.runEnds;
	}

	/**
	 * Store a step, together with other runs' writes, and if the lease held, make a
	 * further write in the same transaction.
	 * @return whether the lease held and the further write succeeded
	 */
	boolean saveStep(String runId, StoredStep step, Supplier<Boolean> then) {
		return this.commits.commit(this.stepWrites, new RunStep(runId, step), (held) -> held && then.get());
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
