package dev.fanout.engine;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.MutableClock;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Cron triggers (issue 5): one run per tick across all instances of an application,
 * through the tick's primary key rather than a leader; restarts neither repeat nor skip
 * the last tick; after downtime only the latest missed tick runs; a new function first
 * runs at its first tick after it was first seen.
 */
class CronTests {

	private static final Instant TEN_TWENTY = Instant.parse("2036-01-15T10:20:00Z");

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void firstRunIsAtTheFirstTickAfterTheFunctionWasFirstSeen(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		MutableClock clock = new MutableClock(TEN_TWENTY);
		Hourly hourly = new Hourly();
		TestEngine engine = this.fixture.start(db, EngineFixture.settings(), clock, hourly);
		assertThat(ticks(db)).containsExactly(tuple(TEN_TWENTY, null));
		probe(engine);
		assertThat(engine.runIdsOf("hourly-report")).isEmpty();
		clock.set(at("11:00:00"));
		RunInfo run = engine.awaitRunsOf("hourly-report", 1).get(0);
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(hourly.ticks).containsExactly("2036-01-15T11:00:00Z");
		assertThat(engine.eventRows(run.eventId())).extracting((row) -> row.get("name")).containsExactly("fanout/cron");
		assertThat(ticks(db)).containsExactly(tuple(TEN_TWENTY, null), tuple(at("11:00:00"), run.runId()));
	}

	@OnEachDatabase
	void twoInstancesRacingCreateOneRunPerTick(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		MutableClock clock = new MutableClock(TEN_TWENTY);
		Hourly first = new Hourly();
		Hourly second = new Hourly();
		TestEngine one = this.fixture.start(db, EngineFixture.settings(), clock, first);
		TestEngine two = this.fixture.start(db, EngineFixture.settings(), clock, second);
		for (int hour = 11; hour <= 16; hour++) {
			clock.set(at(hour + ":00:00"));
			one.awaitRunsOf("hourly-report", hour - 10);
		}
		one.stop();
		two.stop();
		assertThat(one.runIdsOf("hourly-report")).hasSize(6);
		List<@Nullable Object> ran = new ArrayList<>(first.ticks);
		ran.addAll(second.ticks);
		assertThat(ran).hasSize(6).doesNotHaveDuplicates();
		assertThat(ticks(db)).hasSize(7)
			.filteredOn((tick) -> tick.toList().get(1) != null)
			.extracting((tick) -> tick.toList().get(1))
			.containsExactlyInAnyOrderElementsOf(one.runIdsOf("hourly-report"));
	}

	@OnEachDatabase
	void restartNeitherRepeatsNorSkipsTheLastTick(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		MutableClock clock = new MutableClock(TEN_TWENTY);
		Hourly hourly = new Hourly();
		TestEngine first = this.fixture.start(db, EngineFixture.settings(), clock, hourly);
		clock.set(at("11:00:00"));
		first.awaitRunsOf("hourly-report", 1);
		first.stop();
		// Back at once, in the same second as the tick it already ran.
		TestEngine second = this.fixture.start(db, EngineFixture.settings(), clock, hourly);
		probe(second);
		clock.set(at("11:30:00"));
		probe(second);
		assertThat(second.runIdsOf("hourly-report")).hasSize(1);
		second.stop();
		// Down across the 12:00 tick: it runs when the instance is back.
		clock.set(at("12:00:30"));
		TestEngine third = this.fixture.start(db, EngineFixture.settings(), clock, hourly);
		third.awaitRunsOf("hourly-report", 2);
		probe(third);
		assertThat(third.runIdsOf("hourly-report")).hasSize(2);
		assertThat(hourly.ticks).containsExactly("2036-01-15T11:00:00Z", "2036-01-15T12:00:00Z");
	}

	@OnEachDatabase
	void afterDowntimeOnlyTheLatestMissedTickRuns(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		MutableClock clock = new MutableClock(TEN_TWENTY);
		Hourly hourly = new Hourly();
		TestEngine first = this.fixture.start(db, EngineFixture.settings(), clock, hourly);
		clock.set(at("11:00:00"));
		first.awaitRunsOf("hourly-report", 1);
		first.stop();
		// Down from 11:00 to 15:30: the 12:00, 13:00 and 14:00 ticks are passed over.
		clock.set(at("15:30:00"));
		TestEngine second = this.fixture.start(db, EngineFixture.settings(), clock, hourly);
		second.awaitRunsOf("hourly-report", 2);
		probe(second);
		assertThat(second.runIdsOf("hourly-report")).hasSize(2);
		clock.set(at("16:00:00"));
		second.awaitRunsOf("hourly-report", 3);
		assertThat(hourly.ticks).containsExactly("2036-01-15T11:00:00Z", "2036-01-15T15:00:00Z",
				"2036-01-15T16:00:00Z");
		assertThat(ticks(db)).extracting((tick) -> tick.toList().get(0))
			.containsExactly(TEN_TWENTY, at("11:00:00"), at("15:00:00"), at("16:00:00"));
	}

	@OnEachDatabase
	void timeZonePrefixTicksAtLocalTime(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		MutableClock clock = new MutableClock(Instant.parse("2036-07-15T06:00:00Z"));
		ParisMorning paris = new ParisMorning();
		TestEngine engine = this.fixture.start(db, EngineFixture.settings(), clock, paris);
		// 9:00 UTC would be 11:00 in Paris; in July 9:00 in Paris is 7:00 UTC.
		clock.set(Instant.parse("2036-07-15T06:59:59Z"));
		probe(engine);
		assertThat(engine.runIdsOf("paris-morning")).isEmpty();
		clock.set(Instant.parse("2036-07-15T07:00:00Z"));
		engine.awaitRunsOf("paris-morning", 1);
		assertThat(paris.ticks).containsExactly("2036-07-15T07:00:00Z");
	}

	@OnEachDatabase
	void eachApplicationTicksItsOwnFunctions(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		MutableClock clock = new MutableClock(TEN_TWENTY);
		Hourly billing = new Hourly();
		Hourly mailing = new Hourly();
		TestEngine billingApp = this.fixture.start(db, EngineFixture.settings("billing"), clock, billing);
		this.fixture.start(db, EngineFixture.settings("mailing"), clock, mailing);
		clock.set(at("11:00:00"));
		billingApp.awaitRunsOf("hourly-report", 2);
		assertThat(billing.ticks).containsExactly("2036-01-15T11:00:00Z");
		assertThat(mailing.ticks).containsExactly("2036-01-15T11:00:00Z");
		assertThat(db.jdbc().queryForList("SELECT app_id FROM fanout_runs ORDER BY app_id", String.class))
			.containsExactly("billing", "mailing");
	}

	private static Instant at(String time) {
		return Instant.parse("2036-01-15T" + ((time.length() == 7) ? "0" + time : time) + "Z");
	}

	/**
	 * Two probe runs one after the other: the second is claimed on a dispatcher pass that
	 * began after the first was sent, so every cron tick due by then has fired.
	 */
	private static void probe(TestEngine engine) {
		for (int i = 0; i < 2; i++) {
			engine.awaitRuns(engine.send("test/probe", Map.of()));
		}
	}

	private static List<org.assertj.core.groups.Tuple> ticks(FreshDatabase db) {
		return db.jdbc()
			.query("SELECT tick_at, run_id FROM fanout_cron_ticks ORDER BY tick_at", (rs,
					n) -> tuple(rs.getObject("tick_at", OffsetDateTime.class).toInstant(), rs.getString("run_id")));
	}

	static class Hourly {

		final List<@Nullable Object> ticks = new CopyOnWriteArrayList<>();

		@EventFunction(id = "hourly-report", cron = "0 0 * * * *")
		void report(Event event) {
			this.ticks.add(event.data().get("tick"));
		}

		@EventFunction(id = "probe", event = "test/probe")
		void probe() {
		}

	}

	static class ParisMorning {

		final List<@Nullable Object> ticks = new CopyOnWriteArrayList<>();

		@EventFunction(id = "paris-morning", cron = "TZ=Europe/Paris 0 0 9 * * *")
		void greet(Event event) {
			this.ticks.add(event.data().get("tick"));
		}

		@EventFunction(id = "probe", event = "test/probe")
		void probe() {
		}

	}

}
