package dev.fanout.engine.sending;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limit's arithmetic: a burst of {@code limit} events after a quiet period, then
 * one per {@code period / limit}.
 */
class GcraTests {

	private static final Instant T0 = Instant.parse("2036-01-01T00:00:00Z");

	private static final Duration MINUTE = Duration.ofMinutes(1);

	@Test
	void admitsLimitEventsAtOnceThenRefusesUntilAnIntervalPasses() {
		Instant tat = null;
		for (int i = 0; i < 3; i++) {
			tat = Gcra.admit(tat, T0, 3, MINUTE);
			assertThat(tat).isEqualTo(T0.plusSeconds(20L * (i + 1)));
		}
		assertThat(Gcra.admit(tat, T0, 3, MINUTE)).isNull();
		assertThat(Gcra.admit(tat, T0.plusSeconds(19), 3, MINUTE)).isNull();
		assertThat(Gcra.admit(tat, T0.plusSeconds(20), 3, MINUTE)).isEqualTo(T0.plusSeconds(80));
	}

	@Test
	void aQuietKeyGetsItsWholeBurstBack() {
		Instant tat = Gcra.admit(null, T0, 2, MINUTE);
		tat = Gcra.admit(tat, T0, 2, MINUTE);
		Instant later = T0.plus(Duration.ofHours(1));
		assertThat(Gcra.admit(tat, later, 2, MINUTE)).isEqualTo(later.plusSeconds(30));
		assertThat(Gcra.admit(later.plusSeconds(30), later, 2, MINUTE)).isEqualTo(later.plusSeconds(60));
		assertThat(Gcra.admit(later.plusSeconds(60), later, 2, MINUTE)).isNull();
	}

	@Test
	void aLimitOfOneAdmitsOneEventPerPeriod() {
		Instant tat = Gcra.admit(null, T0, 1, MINUTE);
		assertThat(Gcra.admit(tat, T0.plusSeconds(59), 1, MINUTE)).isNull();
		assertThat(Gcra.admit(tat, T0.plusSeconds(60), 1, MINUTE)).isEqualTo(T0.plusSeconds(120));
	}

}
