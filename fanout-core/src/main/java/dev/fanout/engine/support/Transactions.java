package dev.fanout.engine.support;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work that must wait until the current transaction commits, such as waking a worker for
 * runs that the transaction queued.
 */
public final class Transactions {

	private Transactions() {
	}

	public static void afterCommit(Runnable action) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			action.run();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				action.run();
			}
		});
	}

	/**
	 * Run one action after the current transaction commits and another after it rolls
	 * back (or its outcome is unknown).
	 * @throws IllegalStateException if no transaction synchronization is active
	 */
	public static void afterCompletion(Runnable committed, Runnable rolledBack) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCompletion(int status) {
				if (status == STATUS_COMMITTED) {
					committed.run();
				}
				else {
					rolledBack.run();
				}
			}
		});
	}

}
