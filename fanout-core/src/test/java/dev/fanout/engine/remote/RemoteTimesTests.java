package dev.fanout.engine.remote;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RemoteTimesTests {

	private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

	@Test
	void readsTimeStringsOfEverySdk() {
		assertThat(RemoteTimes.duration("1w2d3h4m5s", "sleep"))
			.isEqualTo(Duration.ofDays(9).plusHours(3).plusMinutes(4).plusSeconds(5));
		assertThat(RemoteTimes.duration("1.5h", "sleep")).isEqualTo(Duration.ofMinutes(90));
		assertThat(RemoteTimes.duration("500ms", "sleep")).isEqualTo(Duration.ofMillis(500));
		assertThat(RemoteTimes.duration("2s", "sleep")).isEqualTo(Duration.ofSeconds(2));
		assertThat(RemoteTimes.duration("1m30s250ms", "sleep")).isEqualTo(Duration.ofMillis(90_250));
		assertThat(RemoteTimes.duration("3us", "sleep")).isEqualTo(Duration.ofNanos(3_000));
		assertThat(RemoteTimes.duration("3µs7ns", "sleep")).isEqualTo(Duration.ofNanos(3_007));
		assertThat(RemoteTimes.duration("366d", "sleep")).isEqualTo(Duration.ofDays(366));
	}

	@Test
	void endsATimeStringFromNow() {
		assertThat(RemoteTimes.until("2s", NOW, "sleep")).isEqualTo(NOW.plusSeconds(2));
	}

	@Test
	void readsDatesAsTheSdksWriteThem() {
		assertThat(RemoteTimes.until("2026-12-08T10:00:00.123Z", NOW, "sleep"))
			.isEqualTo(Instant.parse("2026-12-08T10:00:00.123Z"));
		assertThat(RemoteTimes.until("2026-12-08T12:00:00+02:00", NOW, "sleep"))
			.isEqualTo(Instant.parse("2026-12-08T10:00:00Z"));
		assertThat(RemoteTimes.until("2026-12-08T10:00:00", NOW, "sleep"))
			.isEqualTo(Instant.parse("2026-12-08T10:00:00Z"));
		assertThat(RemoteTimes.until("2026-12-09", NOW, "sleep")).isEqualTo(Instant.parse("2026-12-09T00:00:00Z"));
		// A date already past ends at once.
		assertThat(RemoteTimes.until("2026-01-01T00:00:00Z", NOW, "sleep")).isBefore(NOW);
	}

	@Test
	void refusesMoreThanOneYearAhead() {
		assertThatIllegalArgumentException().isThrownBy(() -> RemoteTimes.duration("367d", "sleep 'nap'"))
			.withMessage("sleep 'nap' is 367d, longer than 366 days, the limit");
		assertThatIllegalArgumentException().isThrownBy(() -> RemoteTimes.duration("53w", "sleep"));
		assertThatIllegalArgumentException().isThrownBy(() -> RemoteTimes.until("2028-12-07T10:00:00Z", NOW, "sleep"))
			.withMessageContaining("more than 366 days ahead");
	}

	@Test
	void refusesWhatIsNeitherATimeStringNorADate() {
		assertThatIllegalArgumentException().isThrownBy(() -> RemoteTimes.until("soon", NOW, "sleep 'nap'"))
			.withMessageStartingWith("sleep 'nap' has 'soon', which is neither a time string");
		assertThatIllegalArgumentException().isThrownBy(() -> RemoteTimes.duration("5 minutes", "timeout"))
			.withMessageContaining("not a time string");
		assertThatIllegalArgumentException().isThrownBy(() -> RemoteTimes.duration("1h-5m", "timeout"));
		assertThatIllegalArgumentException().isThrownBy(() -> RemoteTimes.duration("", "timeout"));
	}

}
