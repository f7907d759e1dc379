package dev.fanout.benchmarks;

import java.util.concurrent.TimeUnit;

/**
 * Records a sample every 50 ms on a daemon thread, from its start until it is closed, and
 * once more on each side.
 *
 * @since 0.1.0
 */
abstract class PeriodicSampler implements AutoCloseable {

	private final Thread thread;

	private volatile boolean stopped;

	PeriodicSampler(String threadName) {
		this.thread = new Thread(this::sample, threadName);
		this.thread.setDaemon(true);
	}

	/**
	 * Record a sample now and start sampling.
	 */
	final void begin() {
		record();
		this.thread.start();
	}

	/**
	 * Record one sample; called on the sampling thread and, at the start and the close,
	 * on the caller's.
	 */
	abstract void record();

	private void sample() {
		while (!this.stopped) {
			record();
			try {
				TimeUnit.MILLISECONDS.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public void close() {
		this.stopped = true;
		this.thread.interrupt();
		try {
			this.thread.join(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		record();
	}

}
