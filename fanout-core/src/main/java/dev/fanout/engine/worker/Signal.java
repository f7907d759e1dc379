package dev.fanout.engine.worker;

import java.time.Duration;

/**
 * Wakes the dispatcher, and tells every thread of the worker that it is stopping: the
 * dispatcher waits until either, or until its timeout.
 */
final class Signal {

	private final Object lock = new Object();

	private boolean woken;

	private volatile boolean stopping;

	/**
	 * Wake the dispatcher: its wait, or its next one, returns at once.
	 */
	void wake() {
		synchronized (this.lock) {
			this.woken = true;
			this.lock.notifyAll();
		}
	}

	/**
	 * Wait until woken, stopping or the timeout passes.
	 * @param timeout the longest wait
	 */
	void await(Duration timeout) {
		synchronized (this.lock) {
			if (!this.woken && !this.stopping) {
				try {
					// At least 1 ms: wait(0) would wait forever.
					this.lock.wait(Math.max(1, timeout.toMillis()));
				}
				catch (InterruptedException ex) {
					stopOnInterrupt();
				}
			}
			this.woken = false;
		}
	}

	/**
	 * Stop because the dispatcher was interrupted, keeping its interrupt status.
	 */
	void stopOnInterrupt() {
		Thread.currentThread().interrupt();
		this.stopping = true;
	}

	void stop() {
		this.stopping = true;
	}

	void resume() {
		this.stopping = false;
	}

	boolean isStopping() {
		return this.stopping;
	}

}
