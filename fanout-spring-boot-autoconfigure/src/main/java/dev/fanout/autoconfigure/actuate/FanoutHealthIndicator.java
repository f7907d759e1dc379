package dev.fanout.autoconfigure.actuate;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.fanout.engine.EngineHealth;
import dev.fanout.engine.FanoutEngine;

/**
 * The {@code fanout} health: down only for a fault of this instance (its database out of
 * reach, its group-commit writer failing, its PostgreSQL listener disconnected for longer
 * than a poll interval), never because functions fail.
 *
 * @since 0.1.0
 */
public final class FanoutHealthIndicator implements HealthIndicator {

	private final FanoutEngine engine;

	/**
	 * The health of an engine.
	 * @param engine the engine
	 */
	public FanoutHealthIndicator(FanoutEngine engine) {
		this.engine = engine;
	}

	@Override
	public Health health() {
		EngineHealth health = this.engine.health();
		return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
	}

}
