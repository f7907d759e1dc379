package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.engine.operations.RetentionCleaner;
import dev.fanout.internal.Ids;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.MutableClock;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention (issue 5): runs that ended longer ago than {@code fanout.retention.completed}
 * or {@code .failed} go with their steps, then the events no run refers to; younger and
 * unfinished runs stay, and so do the events an unfinished run's wait could still look
 * back at. Instances cleaning at once share the work.
 */
class RetentionTests {

	private static final Instant T0 = Instant.parse("2036-01-01T00:00:00Z");

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void deletesRunsPastTheirRetentionWithStepsAndUnreferencedEvents(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		MutableClock clock = new MutableClock(T0);
		TestEngine engine = this.fixture.start(db, EngineFixture.settings(), clock, new Functions());
		SendResult done = engine.sender()
			.sendAll(List.of(Event.of("app/done", Map.of()), Event.of("app/done", Map.of()),
					Event.of("app/broken", Map.of()), Event.of("app/nobody", Map.of())));
		assertThat(engine.awaitRuns(done)).extracting((run) -> run.status())
			.containsExactly(RunStatus.COMPLETED, RunStatus.COMPLETED, RunStatus.FAILED);
		clock.set(T0.plus(Duration.ofHours(1)));
		SendResult naps = engine.sender()
			.sendAll(List.of(Event.of("app/nap", Map.of()), Event.of("app/nap", Map.of())));
		String sleeping = naps.runIds().get(0);
		String cancelled = naps.runIds().get(1);
		engine.awaitStatus(sleeping, RunStatus.SLEEPING);
		engine.awaitStatus(cancelled, RunStatus.SLEEPING);
		engine.admin().cancel(cancelled);
		engine.awaitRun(cancelled, RunStatus.CANCELLED);
		assertThat(retention(engine).clean().total()).isZero();

		clock.set(T0.plus(Duration.ofDays(8)));
		RetentionCleaner.Cleaned week = retention(engine).clean();
		// The completed runs, their events and the event nothing ran for; the ids of all
		// six events are past the 24h dedup window.
		assertThat(week).isEqualTo(new RetentionCleaner.Cleaned(2, 3, 6, 0, 0, 0));
		assertThat(runs(db)).containsExactlyInAnyOrder(done.runIds().get(2), sleeping, cancelled);
		assertThat(stepsOf(db, done.runIds().get(0))).isZero();
		assertThat(stepsOf(db, done.runIds().get(2))).isOne();
		assertThat(db.count("fanout_events")).isEqualTo(3);

		clock.set(T0.plus(Duration.ofDays(31)));
		RetentionCleaner.Cleaned month = retention(engine).clean();
		// The failed and the cancelled run. The sleeping run started at T0 + 1h: the
		// events stored since then stay, as its waits would look back at them, so the
		// cancelled run's event stays too while the failed run's goes.
		assertThat(month).isEqualTo(new RetentionCleaner.Cleaned(2, 1, 0, 0, 0, 0));
		assertThat(runs(db)).containsExactly(sleeping);
		assertThat(engine.admin().run(sleeping).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
		assertThat(stepsOf(db, sleeping)).isEqualTo(2);
		assertThat(stepsOf(db, cancelled)).isZero();
		assertThat(db.jdbc().queryForList("SELECT name FROM fanout_events", String.class)).containsExactly("app/nap",
				"app/nap");
	}

	@OnEachDatabase
	void instancesCleaningAtOnceDeleteEachRowOnce(TestDatabase database) throws Exception {
		FreshDatabase db = this.fixture.database(database);
		int count = 3 * RetentionCleaner.BATCH_SIZE + 100;
		insertCompletedRuns(db, count, T0);
		MutableClock clock = new MutableClock(T0.plus(Duration.ofDays(8)));
		TestEngine one = this.fixture.start(db, EngineFixture.settings(), clock, new Functions());
		TestEngine two = this.fixture.start(db, EngineFixture.settings(), clock, new Functions());
		CyclicBarrier start = new CyclicBarrier(2);
		List<CompletableFuture<RetentionCleaner.Cleaned>> cleaning = new ArrayList<>();
		for (TestEngine engine : List.of(one, two)) {
			cleaning.add(CompletableFuture.supplyAsync(() -> {
				await(start);
				return retention(engine).clean();
			}));
		}
		RetentionCleaner.Cleaned first = cleaning.get(0).get();
		RetentionCleaner.Cleaned second = cleaning.get(1).get();
		assertThat(first.runs() + second.runs()).isEqualTo(count);
		assertThat(first.events() + second.events()).isEqualTo(count);
		assertThat(db.count("fanout_runs")).isZero();
		assertThat(db.count("fanout_steps")).isZero();
		assertThat(db.count("fanout_events")).isZero();
	}

	@OnEachDatabase
	void keepsTheLatestCronTickOfEachFunctionAndDropsOldReplayRequests(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		insertTick(db, "test", "report", T0.minus(Duration.ofDays(40)));
		insertTick(db, "test", "report", T0.minus(Duration.ofDays(35)));
		insertTick(db, "test", "report", T0.minus(Duration.ofDays(32)));
		insertTick(db, "test", "cleanup", T0.minus(Duration.ofDays(40)));
		insertTick(db, "other", "report", T0.minus(Duration.ofDays(40)));
		insertTick(db, "other", "report", T0.minus(Duration.ofDays(39)));
		db.jdbc()
			.update("INSERT INTO fanout_replays (id, function_id, mode, created_at, run_ids) VALUES (?, ?, ?, ?, ?)",
					"old", "report", "FRESH", utc(T0.minus(Duration.ofDays(31))), "");
		db.jdbc()
			.update("INSERT INTO fanout_replays (id, function_id, mode, created_at, run_ids) VALUES (?, ?, ?, ?, ?)",
					"recent", "report", "FRESH", utc(T0.minus(Duration.ofDays(1))), "");
		TestEngine engine = this.fixture.start(db, EngineFixture.settings(), new MutableClock(T0), new Functions());
		assertThat(retention(engine).clean()).isEqualTo(new RetentionCleaner.Cleaned(0, 0, 0, 1, 2, 0));
		assertThat(db.jdbc()
			.queryForList("SELECT app_id || '/' || function_id FROM fanout_cron_ticks ORDER BY 1", String.class))
			.containsExactly("other/report", "other/report", "test/cleanup", "test/report");
		assertThat(db.jdbc().queryForList("SELECT id FROM fanout_replays", String.class)).containsExactly("recent");
	}

	private static RetentionCleaner retention(TestEngine engine) {
		return engine.engine().retention();
	}

	private static List<String> runs(FreshDatabase db) {
		return db.jdbc().queryForList("SELECT id FROM fanout_runs", String.class);
	}

	private static int stepsOf(FreshDatabase db, String runId) {
		return db.jdbc().queryForObject("SELECT COUNT(*) FROM fanout_steps WHERE run_id = ?", Integer.class, runId);
	}

	private static void insertCompletedRuns(FreshDatabase db, int count, Instant endedAt) {
		List<Object[]> events = new ArrayList<>();
		List<Object[]> runs = new ArrayList<>();
		List<Object[]> steps = new ArrayList<>();
		OffsetDateTime at = utc(endedAt);
		for (int i = 0; i < count; i++) {
			String seq = Ids.next();
			String eventId = Ids.next();
			String runId = Ids.next();
			events.add(new Object[] { seq, eventId, "app/done", "{}", at, at, false });
			runs.add(new Object[] { runId, "test", "done", seq, eventId, "COMPLETED", 1, 0, 0, at, false, at, at });
			steps.add(new Object[] { runId, "work", 0, "COMPLETED", 1, at });
			steps.add(new Object[] { runId, "more", 1, "COMPLETED", 1, at });
		}
		db.jdbc()
			.batchUpdate("INSERT INTO fanout_events (seq, id, name, data, ts, received_at, duplicate) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?)", events);
		db.jdbc()
			.batchUpdate("INSERT INTO fanout_runs (id, app_id, function_id, event_seq, event_id, status, attempts, "
					+ "failures, retry_attempt, due_at, cancel_requested, created_at, ended_at) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", runs);
		db.jdbc()
			.batchUpdate("INSERT INTO fanout_steps (run_id, step_key, position, status, attempts, started_at) "
					+ "VALUES (?, ?, ?, ?, ?, ?)", steps);
	}

	private static void insertTick(FreshDatabase db, String appId, String functionId, Instant tickAt) {
		db.jdbc()
			.update("INSERT INTO fanout_cron_ticks (app_id, function_id, tick_at, created_at) VALUES (?, ?, ?, ?)",
					appId, functionId, utc(tickAt), utc(tickAt));
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static class Functions {

		@EventFunction(id = "done", event = "app/done")
		String done(StepContext step) {
			return step.run("work", () -> "done");
		}

		@EventFunction(id = "broken", event = "app/broken", retries = 0)
		void broken(StepContext step) {
			step.run("work", () -> "done");
			throw new NonRetriableException("broken for good");
		}

		@EventFunction(id = "napper", event = "app/nap")
		void nap(StepContext step) {
			step.run("work", () -> "done");
			step.sleep("nap", Duration.ofDays(365));
		}

	}

}
