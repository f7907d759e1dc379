package dev.fanout.engine.function;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.fanout.engine.function.Backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Backoff: the n-th failure waits the n-th delay, the last one repeats, and jitter adds
 * at most its fraction.
 */
class BackoffTests {

	@Test
	void nthFailureWaitsTheNthDelayAndTheLastOneRepeats() {
		Backoff backoff = new Backoff(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(1)), 0);
		assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(5));
		assertThat(backoff.delay(3)).isEqualTo(Duration.ofMinutes(1));
		assertThat(backoff.delay(4)).isEqualTo(Duration.ofMinutes(1));
		assertThat(backoff.delay(100)).isEqualTo(Duration.ofMinutes(1));
		assertThat(backoff.delay(0)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void defaultsAreFifteenSecondsDoublingToTwoHoursWithTenPercentJitter() {
		Backoff backoff = Backoff.defaults();
		assertThat(backoff.jitter()).isEqualTo(0.1);
		assertThat(backoff.delays()).containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(30),
				Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
				Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofHours(1), Duration.ofHours(2));
		assertThat(backoff.delay(11)).isBetween(Duration.ofHours(2), Duration.ofMinutes(132));
	}

	@Test
	void jitterAddsAtMostItsFractionOfTheDelay() {
		Backoff backoff = new Backoff(List.of(Duration.ofSeconds(10)), 0.1);
		List<Duration> delays = IntStream.range(0, 2000).mapToObj((i) -> backoff.delay(1)).toList();
		assertThat(delays)
			.allSatisfy((delay) -> assertThat(delay).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(11)));
		assertThat(delays.stream().distinct().count()).isGreaterThan(100);
		assertThat(delays).anySatisfy((delay) -> assertThat(delay).isGreaterThan(Duration.ofMillis(10_900)));
	}

	@Test
	void withoutJitterDelaysAreExact() {
		Backoff backoff = new Backoff(List.of(Duration.ofMillis(10)), 0);
		assertThat(IntStream.range(0, 100).mapToObj((i) -> backoff.delay(1)).distinct())
			.containsExactly(Duration.ofMillis(10));
	}

	@Test
	void zeroDelayStaysZeroWithJitter() {
		assertThat(new Backoff(List.of(Duration.ZERO), 1).delay(1)).isZero();
	}

	@Test
	void rejectsNoDelaysNegativeDelaysAndJitterOutsideZeroToOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(List.of(), 0))
			.withMessageContaining("at least one delay");
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(List.of(Duration.ofSeconds(-1)), 0))
			.withMessageContaining("must not be negative");
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(List.of(Duration.ofSeconds(1)), 1.5))
			.withMessageContaining("between 0 and 1");
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(List.of(Duration.ofSeconds(1)), -0.1))
			.withMessageContaining("between 0 and 1");
	}

}
