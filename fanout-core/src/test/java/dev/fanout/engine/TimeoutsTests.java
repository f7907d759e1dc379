package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
import dev.fanout.Timeouts;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code @Timeouts}: a run not started within {@code start} of its event's timestamp, or
 * not finished within {@code finish} of its first start, is cancelled with a reason
 * naming the timeout.
 */
class TimeoutsTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void runQueuedLongerThanTheStartTimeoutIsCancelledWithoutStarting(TestDatabase database) {
		Exports exports = new Exports();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().concurrency(1).build(), exports);
		String blocker = engine.send("app/backup.started", Map.of()).runIds().get(0);
		awaiting().until(() -> exports.blocking.getCount() == 0);
		String runId = engine.send("app/export.requested", Map.of()).runIds().get(0);
		RunInfo run = engine.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(run.error()).isEqualTo("Not started within the start timeout of PT0.2S");
		assertThat(run.startedAt()).isNull();
		assertThat(engine.admin().run(blocker).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		exports.release.countDown();
		engine.awaitRun(blocker, RunStatus.COMPLETED);
		assertThat(exports.exports).hasValue(0);
	}

	@OnEachDatabase
	void startTimeoutCountsFromTheEventTimestamp(TestDatabase database) {
		Exports exports = new Exports();
		TestEngine engine = this.fixture.start(database, exports);
		SendResult old = engine.sender()
			.send(Event.builder("app/export.requested").ts(Instant.now().minusSeconds(60)).build());
		RunInfo tooLate = engine.awaitRun(old.runIds().get(0), RunStatus.CANCELLED);
		assertThat(tooLate.error()).isEqualTo("Not started within the start timeout of PT0.2S");
		Instant ts = Instant.now().plusMillis(500);
		SendResult future = engine.sender().send(Event.builder("app/export.requested").ts(ts).build());
		RunInfo onTime = engine.awaitRun(future.runIds().get(0), RunStatus.COMPLETED);
		assertThat(onTime.startedAt()).isAfterOrEqualTo(ts);
		assertThat(exports.exports).hasValue(1);
	}

	@OnEachDatabase
	void sleepingRunNotFinishedWithinTheFinishTimeoutIsCancelled(TestDatabase database) {
		Exports exports = new Exports();
		TestEngine engine = this.fixture.start(database, exports);
		String runId = engine.send("app/report.requested", Map.of("sleepMillis", 5_000)).runIds().get(0);
		RunInfo run = engine.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(run.error()).isEqualTo("Not finished within the finish timeout of PT0.5S");
		assertThat(Duration.between(run.startedAt(), run.endedAt())).isBetween(Duration.ofMillis(500),
				Duration.ofMillis(1500));
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("render", StepStatus.COMPLETED), tuple("nap", StepStatus.SLEEPING));
		assertThat(exports.reports).hasValue(0);
	}

	@OnEachDatabase
	void runningRunPastTheFinishTimeoutStopsBeforeItsNextStep(TestDatabase database) {
		Exports exports = new Exports();
		TestEngine engine = this.fixture.start(database, exports);
		String runId = engine.send("app/report.requested", Map.of("renderMillis", 800, "sleepMillis", 0))
			.runIds()
			.get(0);
		RunInfo run = engine.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(run.error()).isEqualTo("Not finished within the finish timeout of PT0.5S");
		assertThat(exports.renders).hasValue(1);
		assertThat(exports.reports).hasValue(0);
	}

	@OnEachDatabase
	void runFinishedWithinItsTimeoutsCompletes(TestDatabase database) {
		Exports exports = new Exports();
		TestEngine engine = this.fixture.start(database, exports);
		String runId = engine.send("app/report.requested", Map.of("sleepMillis", 100)).runIds().get(0);
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"report\"");
		assertThat(run.error()).isNull();
		assertThat(exports.reports).hasValue(1);
	}

	static class Exports {

		final AtomicInteger exports = new AtomicInteger();

		final AtomicInteger renders = new AtomicInteger();

		final AtomicInteger reports = new AtomicInteger();

		final CountDownLatch blocking = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@EventFunction(id = "backup", event = "app/backup.started")
		void backup() throws InterruptedException {
			this.blocking.countDown();
			this.release.await();
		}

		@EventFunction(id = "export", event = "app/export.requested")
		@Timeouts(start = "200ms")
		void export() {
			this.exports.incrementAndGet();
		}

		@EventFunction(id = "report", event = "app/report.requested")
		@Timeouts(start = "5s", finish = "500ms")
		String report(Map<String, Object> data, StepContext step) {
			long renderMillis = ((Number) data.getOrDefault("renderMillis", 0)).longValue();
			step.run("render", () -> {
				this.renders.incrementAndGet();
				// The workload: a step that takes a while.
				Thread.sleep(renderMillis);
			});
			step.sleep("nap", Duration.ofMillis(((Number) data.get("sleepMillis")).longValue()));
			step.run("publish", this.reports::incrementAndGet);
			return "report";
		}

	}

}
