package dev.fanout.engine.function;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.fanout.engine.function.CronSchedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Cron ticks (issue 5): Spring cron syntax, read in UTC or in the zone of a {@code TZ=}
 * prefix, and the latest tick of a range for catching up after downtime.
 */
class CronScheduleTests {

	@Test
	void readsTheExpressionInUtcByDefault() {
		CronSchedule schedule = CronSchedule.parse("0 0 9 * * *");
		assertThat(schedule.zone()).isEqualTo(ZoneOffset.UTC);
		assertThat(schedule.next(Instant.parse("2026-01-15T08:30:00Z")))
			.contains(Instant.parse("2026-01-15T09:00:00Z"));
	}

	@Test
	void readsTheExpressionInTheZoneOfTheTzPrefixAcrossDaylightSavingTime() {
		CronSchedule schedule = CronSchedule.parse("TZ=Europe/Paris 0 0 9 * * *");
		assertThat(schedule.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
		// 9:00 in Paris is 8:00 UTC in winter (UTC+1) and 7:00 UTC in summer (UTC+2).
		assertThat(schedule.next(Instant.parse("2026-01-15T00:00:00Z")))
			.contains(Instant.parse("2026-01-15T08:00:00Z"));
		assertThat(schedule.next(Instant.parse("2026-07-15T00:00:00Z")))
			.contains(Instant.parse("2026-07-15T07:00:00Z"));
		// The night clocks go forward (29 March 2026) the tick still comes at 9:00 local.
		assertThat(schedule.next(Instant.parse("2026-03-28T08:00:00Z")))
			.contains(Instant.parse("2026-03-29T07:00:00Z"));
	}

	@Test
	void latestTickOfARangePassesOverTheEarlierOnes() {
		CronSchedule hourly = CronSchedule.parse("0 0 * * * *");
		assertThat(hourly.latest(Instant.parse("2026-01-15T10:00:00Z"), Instant.parse("2026-01-15T15:30:00Z")))
			.contains(Instant.parse("2026-01-15T15:00:00Z"));
		assertThat(hourly.latest(Instant.parse("2026-01-15T10:00:00Z"), Instant.parse("2026-01-15T11:00:00Z")))
			.contains(Instant.parse("2026-01-15T11:00:00Z"));
		assertThat(hourly.latest(Instant.parse("2026-01-15T10:00:00Z"), Instant.parse("2026-01-15T10:59:59Z")))
			.isEmpty();
		CronSchedule everySecond = CronSchedule.parse("* * * * * *");
		assertThat(everySecond.latest(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-12-31T23:59:59.5Z")))
			.contains(Instant.parse("2026-12-31T23:59:59Z"));
		CronSchedule paris = CronSchedule.parse("TZ=Europe/Paris 0 0 9 * * MON-FRI");
		// Friday 16 January to Monday 19 January, 10:00 Paris: Monday's tick, not
		// Friday's.
		assertThat(paris.latest(Instant.parse("2026-01-16T08:00:00Z"), Instant.parse("2026-01-19T09:00:00Z")))
			.contains(Instant.parse("2026-01-19T08:00:00Z"));
	}

	@Test
	void acceptsMacros() {
		assertThat(CronSchedule.parse("@daily").next(Instant.parse("2026-01-15T10:00:00Z")))
			.contains(Instant.parse("2026-01-16T00:00:00Z"));
	}

	@Test
	void rejectsAnExpressionThatDoesNotParse() {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 9 * * *"))
			.withMessageContaining("cron '0 9 * * *' does not parse")
			.withMessageContaining("6 fields");
	}

	@Test
	void rejectsAnUnknownZone() {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("TZ=Mars/Olympus 0 0 9 * * *"))
			.withMessageContaining("unknown time zone 'Mars/Olympus'");
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("TZ=Europe/Paris"))
			.withMessageContaining("has a time zone but no expression");
	}

}
