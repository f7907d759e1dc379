package dev.fanout.engine.operations;

import java.time.Clock;
import java.util.List;

import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.support.Transactions;
import dev.fanout.store.RunStore;

/**
 * Pauses and resumes this application's functions, on every instance at once: a paused
 * function is a row that every claim reads in its own statement, so nothing is cached.
 * <p>
 * While a function is paused its runs are created as usual and stay queued (or sleeping,
 * or waiting, once due); no claim starts them, nor does a send start them directly. A run
 * already running goes on, and one whose instance died is taken over as usual.
 * <p>
 * Timeouts do not fire on a paused function's runs that are not running: they stay as
 * they are, for an operator to see, until the resume. A start timeout still counts from
 * the event, as the function declares how old an event may be to start a run: a run whose
 * start timeout passed during the pause is cancelled for it once resumed, rather than
 * started late.
 */
public final class Pauses {

	private final LocalFunctions registry;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final String appId;

	private final Runnable onCommit;

	/**
	 * Create the pauses.
	 * @param registry this application's functions
	 * @param store the store
	 * @param transaction joins the caller's transaction or starts one
	 * @param clock the clock
	 * @param appId this application
	 * @param onCommit called after a commit that resumed a function, to wake the worker
	 */
	public Pauses(LocalFunctions registry, RunStore store, TransactionTemplate transaction, Clock clock, String appId,
			Runnable onCommit) {
		this.registry = registry;
		this.store = store;
		this.transaction = transaction;
		this.clock = clock;
		this.appId = appId;
		this.onCommit = onCommit;
	}

	/**
	 * See {@link dev.fanout.FanoutAdmin#pause}.
	 * @param functionId the function
	 */
	void pause(String functionId) {
		String id = checked(functionId);
		this.transaction.executeWithoutResult((status) -> this.store.pause(id, this.clock.instant()));
	}

	/**
	 * See {@link dev.fanout.FanoutAdmin#resume}: the function's due runs start at once,
	 * here and, told after the commit, on the other instances.
	 * @param functionId the function
	 */
	void resume(String functionId) {
		String id = checked(functionId);
		this.transaction.executeWithoutResult((status) -> {
			if (this.store.resume(id, this.clock.instant())) {
				Transactions.afterCommit(this.onCommit);
				this.store.announce(List.of(this.appId));
			}
		});
	}

	private String checked(String functionId) {
		return RunSelections.ownFunction(this.registry, functionId, "paused or resumed").id();
	}

}
