package dev.fanout.engine.worker;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the worker's threads, numbered after a prefix that names their job, as daemons
 * that do not keep the JVM running.
 */
final class DaemonThreads implements ThreadFactory {

	private final String prefix;

	private final AtomicInteger count = new AtomicInteger();

	DaemonThreads(String prefix) {
		this.prefix = prefix;
	}

	@Override
	public Thread newThread(Runnable runnable) {
		Thread thread = new Thread(runnable, this.prefix + this.count.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	}

}
