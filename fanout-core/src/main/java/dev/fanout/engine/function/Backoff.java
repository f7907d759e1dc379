package dev.fanout.engine.function;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The delays between attempts: the n-th failure waits the n-th delay (the last one
 * repeats), plus up to {@code jitter} of it at random so that failures of many runs do
 * not retry in lockstep.
 *
 * @param delays the delays, at least one
 * @param jitter the largest random addition, as a fraction of the delay (0 to 1)
 */
public record Backoff(List<Duration> delays, double jitter) {

	/** 15s, 30s, 1m, 2m, 5m, 10m, 20m, 40m, 1h, then 2h. */
	public static final List<Duration> DEFAULT_DELAYS = List.of(Duration.ofSeconds(15), Duration.ofSeconds(30),
			Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
			Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofHours(1), Duration.ofHours(2));

	public Backoff {
		delays = List.copyOf(delays);
		if (delays.isEmpty()) {
			throw new IllegalArgumentException("backoff needs at least one delay");
		}
		if (delays.stream().anyMatch(Duration::isNegative)) {
			throw new IllegalArgumentException("backoff delays must not be negative: " + delays);
		}
		if (jitter < 0 || jitter > 1) {
			throw new IllegalArgumentException("backoff jitter must be between 0 and 1: " + jitter);
		}
	}

	/**
	 * The default backoff: {@link #DEFAULT_DELAYS} with 10% jitter.
	 * @return the default backoff
	 */
	public static Backoff defaults() {
		return new Backoff(DEFAULT_DELAYS, 0.1);
	}

	/**
	 * The delay after a failure.
	 * @param failure which failure this is, from 1
	 * @return the delay
	 */
	public Duration delay(int failure) {
		Duration base = baseDelay(failure);
		if (this.jitter == 0 || base.isZero()) {
			return base;
		}
		long extra = (long) (base.toMillis() * this.jitter * ThreadLocalRandom.current().nextDouble());
		return base.plusMillis(extra);
	}

	/**
	 * The delay after a failure, without jitter.
	 * @param failure which failure this is, from 1
	 * @return the delay
	 */
	private Duration baseDelay(int failure) {
		return this.delays.get(Math.min(Math.max(failure, 1), this.delays.size()) - 1);
	}

}
