package dev.fanout.autoconfigure;

import org.springframework.context.SmartLifecycle;

import dev.fanout.engine.FanoutEngine;

/**
 * Starts the engine once the context is refreshed (its functions are registered for the
 * other applications sharing the database, and its worker starts unless disabled) and
 * stops it first on shutdown, while the {@code DataSource} is still open, so running
 * steps finish and held runs are handed back.
 */
final class FanoutEngineLifecycle implements SmartLifecycle {

	private final FanoutEngine engine;

	private volatile boolean running;

	FanoutEngineLifecycle(FanoutEngine engine) {
		this.engine = engine;
	}

	@Override
	public void start() {
		this.engine.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.engine.stop();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
