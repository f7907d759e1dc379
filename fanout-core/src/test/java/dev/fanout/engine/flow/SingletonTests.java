package dev.fanout.engine.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.Singleton;
import dev.fanout.StepContext;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Singleton} (issue 18): while a run of a key is queued, running, sleeping or
 * waiting, an event for the key makes no run ({@code SKIP}), or the run is cancelled,
 * naming the singleton, and the event's run replaces it ({@code CANCEL}).
 */
class SingletonTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void skipsEventsOfAKeyWhileItsRunIsUnfinished(TestDatabase database) throws Exception {
		Exports exports = new Exports();
		TestEngine engine = this.fixture.start(database, exports);
		String running = engine.send("app/export", Map.of("user", 1)).runIds().get(0);
		engine.awaitStatus(running, RunStatus.RUNNING);
		assertThat(engine.send("app/export", Map.of("user", 1)).runIds()).isEmpty();
		String other = engine.send("app/export", Map.of("user", 2)).runIds().get(0);
		// A queued run holds its key too: this one is due in an hour.
		String queued = engine.sender()
			.send(Event.builder("app/export")
				.data(Map.of("user", 3))
				.ts(Instant.now().plus(Duration.ofHours(1)))
				.build())
			.runIds()
			.get(0);
		assertThat(engine.send("app/export", Map.of("user", 3)).runIds()).isEmpty();
		exports.release.countDown();
		engine.awaitRun(running, RunStatus.COMPLETED);
		engine.awaitRun(other, RunStatus.COMPLETED);
		String next = engine.send("app/export", Map.of("user", 1)).runIds().get(0);
		engine.awaitRun(next, RunStatus.COMPLETED);
		assertThat(exports.users).containsExactlyInAnyOrder(1, 2, 1);
		assertThat(engine.admin().run(queued).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
		assertThat(engine.admin().skippedEvents()).isEqualTo(Map.of("export", Map.of("singleton", 2L)));
	}

	@OnEachDatabase
	void aSendOfManyEventsMakesOneRunPerKey(TestDatabase database) {
		Exports exports = new Exports();
		exports.release.countDown();
		TestEngine engine = this.fixture.start(database, exports);
		List<Event> events = List.of(Event.of("app/export", Map.of("user", 1)),
				Event.of("app/export", Map.of("user", 1)), Event.of("app/export", Map.of("user", 2)));
		SendResult sent = engine.sender().sendAll(events);
		assertThat(engine.awaitRuns(sent)).extracting(RunInfo::eventId)
			.containsExactly(events.get(0).id(), events.get(2).id());
	}

	@OnEachDatabase
	void cancelModeCancelsASleepingRunNamingTheSingleton(TestDatabase database) {
		Reports reports = new Reports();
		TestEngine engine = this.fixture.start(database, reports);
		String first = engine.send("app/report", Map.of("team", "core", "mode", "sleep")).runIds().get(0);
		engine.awaitStatus(first, RunStatus.SLEEPING);
		String second = engine.send("app/report", Map.of("team", "core", "mode", "sleep")).runIds().get(0);
		RunInfo cancelled = engine.awaitRun(first, RunStatus.CANCELLED);
		assertThat(cancelled.error()).isEqualTo("Cancelled by newer run " + second + " of @Singleton key 'core'");
		engine.awaitStatus(second, RunStatus.SLEEPING);
		assertThat(engine.admin().skippedEvents()).isEmpty();
	}

	@OnEachDatabase
	void cancelModeStopsARunningRunBeforeItsNextStep(TestDatabase database) throws Exception {
		Reports reports = new Reports();
		TestEngine engine = this.fixture.start(database, reports);
		String first = engine.send("app/report", Map.of("team", "web", "mode", "hold")).runIds().get(0);
		assertThat(reports.holding.await(10, TimeUnit.SECONDS)).isTrue();
		String second = engine.send("app/report", Map.of("team", "web", "mode", "quick")).runIds().get(0);
		reports.release.countDown();
		RunInfo cancelled = engine.awaitRun(first, RunStatus.CANCELLED);
		assertThat(cancelled.error()).isEqualTo("Cancelled by newer run " + second + " of @Singleton key 'web'");
		assertThat(cancelled.steps()).isEmpty();
		engine.awaitRun(second, RunStatus.COMPLETED);
		assertThat(reports.written).containsExactly("quick");
	}

	@OnEachDatabase
	void cancelModeInOneSendMakesOnlyTheLastEventsRun(TestDatabase database) {
		Reports reports = new Reports();
		TestEngine engine = this.fixture.start(database, reports);
		List<Event> events = List.of(Event.of("app/report", Map.of("team", "ops", "mode", "quick")),
				Event.of("app/report", Map.of("team", "ops", "mode", "quick")));
		SendResult sent = engine.sender().sendAll(events);
		assertThat(engine.awaitRuns(sent)).extracting(RunInfo::eventId).containsExactly(events.get(1).id());
		assertThat(engine.admin().skippedEvents()).isEqualTo(Map.of("report", Map.of("singleton", 1L)));
		awaiting().until(() -> reports.written.size() == 1);
	}

	static class Exports {

		final CountDownLatch release = new CountDownLatch(1);

		final List<Integer> users = new CopyOnWriteArrayList<>();

		@EventFunction(id = "export", event = "app/export")
		@Singleton(key = "event.data.user")
		void export(Map<String, Object> data) throws InterruptedException {
			this.users.add(((Number) data.get("user")).intValue());
			this.release.await(10, TimeUnit.SECONDS);
		}

	}

	static class Reports {

		final CountDownLatch holding = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> written = new CopyOnWriteArrayList<>();

		@EventFunction(id = "report", event = "app/report")
		@Singleton(key = "event.data.team", mode = Singleton.Mode.CANCEL)
		void report(Map<String, Object> data, StepContext step) throws InterruptedException {
			String mode = (String) data.get("mode");
			if (mode.equals("sleep")) {
				step.sleep("nap", Duration.ofHours(1));
			}
			if (mode.equals("hold")) {
				this.holding.countDown();
				this.release.await(10, TimeUnit.SECONDS);
			}
			step.run("write", () -> this.written.add(mode));
		}

	}

}
