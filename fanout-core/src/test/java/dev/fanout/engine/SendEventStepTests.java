package dev.fanout.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code sendEvent} is a step: a replayed or recovered run gets the ids it got the first
 * time and sends nothing again.
 */
class SendEventStepTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void retriedRunDoesNotSendAgainAndGetsTheSameIds(TestDatabase database) {
		Announcer announcer = new Announcer();
		TestEngine engine = this.fixture.start(database, announcer);
		String runId = engine.send("app/release.published", Map.of("version", "1.2")).runIds().get(0);
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(announcer.results).hasSize(2).first().satisfies((first) -> {
			assertThat(first.eventIds()).hasSize(2);
			assertThat(first.runIds()).hasSize(2);
			assertThat(announcer.results.get(1)).isEqualTo(first);
		});
		SendResult sent = announcer.results.get(0);
		assertThat(engine.awaitRuns(new SendResult(List.of(), sent.runIds()))).extracting(RunInfo::status)
			.containsOnly(RunStatus.COMPLETED);
		assertThat(announcer.announced).extracting((event) -> event.get("channel"))
			.containsExactlyInAnyOrder("mail", "chat");
		assertThat(engine.database().count("fanout_events")).isEqualTo(3);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("announce", StepStatus.COMPLETED, 1), tuple("flaky", StepStatus.COMPLETED, 2));
	}

	@OnEachDatabase
	void recoveredRunDoesNotSendAgain(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Announcer announcer = new Announcer();
		EngineSettings settings = EngineFixture.settings().toBuilder().shutdownTimeout(Duration.ofMillis(200)).build();
		TestEngine first = this.fixture.start(db, settings, announcer);
		String runId = first.send("app/release.staged", Map.of("version", "1.3")).runIds().get(0);
		awaiting().until(() -> announcer.blocked.getCount() == 0);
		// The step outlasts the shutdown timeout: it is interrupted and the run handed
		// back.
		first.stop();
		assertThat(first.admin().run(runId).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
		TestEngine second = this.fixture.start(db, settings, announcer);
		RunInfo run = second.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(announcer.results).hasSize(2);
		assertThat(announcer.results.get(1)).isEqualTo(announcer.results.get(0));
		assertThat(second.database().count("fanout_events")).isEqualTo(3);
		second.awaitRunsOf("announce", 2);
		assertThat(announcer.announced).hasSize(2);
	}

	@OnEachDatabase
	void sendingAReservedEventNameFailsTheStepWithoutRetries(TestDatabase database) {
		Announcer announcer = new Announcer();
		TestEngine engine = this.fixture.start(database, announcer);
		RunInfo run = engine.awaitRun(engine.send("app/release.faked", Map.of()).runIds().get(0), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).contains("sendEvent 'fake' was refused")
			.contains("'fanout/function.finished' is reserved");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("fake", StepStatus.FAILED));
		assertThat(engine.database().count("fanout_events")).isEqualTo(1);
	}

	static class Announcer {

		final List<SendResult> results = new CopyOnWriteArrayList<>();

		final List<Map<String, Object>> announced = new CopyOnWriteArrayList<>();

		final AtomicInteger flaky = new AtomicInteger();

		final CountDownLatch blocked = new CountDownLatch(1);

		@EventFunction(id = "publish", event = "app/release.published")
		void publish(Map<String, Object> data, StepContext step) {
			this.results.add(announce(data, step));
			step.run("flaky", () -> {
				if (this.flaky.incrementAndGet() == 1) {
					throw new IllegalStateException("first attempt fails");
				}
			});
		}

		@EventFunction(id = "stage", event = "app/release.staged")
		void stage(Map<String, Object> data, StepContext step) {
			this.results.add(announce(data, step));
			step.run("slow", () -> {
				if (this.blocked.getCount() > 0) {
					this.blocked.countDown();
					new CountDownLatch(1).await();
				}
			});
		}

		@EventFunction(id = "fake", event = "app/release.faked", retries = 2)
		void fake(StepContext step) {
			step.sendEvent("fake", Event.of(SystemEvents.FUNCTION_FINISHED, Map.of()));
		}

		private SendResult announce(Map<String, Object> data, StepContext step) {
			return step.sendEvent("announce",
					Event.of("app/announced", Map.of("channel", "mail", "version", data.get("version"))),
					Event.of("app/announced", Map.of("channel", "chat", "version", data.get("version"))));
		}

		@EventFunction(id = "announce", event = "app/announced")
		void onAnnounced(Map<String, Object> data) {
			this.announced.add(data);
		}

	}

}
