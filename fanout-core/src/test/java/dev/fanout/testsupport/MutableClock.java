package dev.fanout.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until the test moves it, for schedules and retention that
 * would otherwise take real minutes or days. Give it to an engine with
 * {@link EngineFixture#start(FreshDatabase, dev.fanout.engine.settings.EngineSettings, Clock, Object...)}.
 * Events sent without a timestamp carry the real send time, and one in the clock's future
 * delays its runs until then: keep the clock ahead of the real time (the tests use dates
 * in the 2030s).
 */
public final class MutableClock extends Clock {

	private volatile Instant now;

	/**
	 * A clock showing a time.
	 * @param now the time it shows until moved
	 */
	public MutableClock(Instant now) {
		this.now = now;
	}

	/**
	 * Show another time.
	 * @param now the time
	 */
	public void set(Instant now) {
		this.now = now;
	}

	/**
	 * Move the clock on.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.now = this.now.plus(duration);
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("The engine reads instants only");
	}

}
