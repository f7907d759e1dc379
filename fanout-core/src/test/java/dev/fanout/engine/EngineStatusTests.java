package dev.fanout.engine;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FanoutEngine#backlog()} and {@link FanoutEngine#workerStatus()} (observability
 * issue), read by the backlog and slot gauges: the runs due and not started per function,
 * and the worker's threads.
 */
class EngineStatusTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void theBacklogCountsAPausedFunctionsQueuedRunsButNoCompletedOnes(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Orders(), new Blocking());
		engine.admin().pause("invoice");
		IntStream.range(0, 3).forEach((i) -> {
			SendResult sent = engine.send("app/order", Map.of("n", i));
			sent.runIds()
				.stream()
				.filter((id) -> engine.admin().run(id).orElseThrow().functionId().equals("receipt"))
				.forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		});
		assertThat(engine.engine().backlog()).isEqualTo(Map.of("invoice", 3L, "receipt", 0L, "blocking", 0L));
		engine.admin().resume("invoice");
		awaiting().until(() -> engine.engine().backlog().get("invoice") == 0L);
	}

	@OnEachDatabase
	void theWorkerStatusShowsASlotTakenWhileARunBlocks(TestDatabase database) throws InterruptedException {
		Blocking blocking = new Blocking();
		FreshDatabase db = this.fixture.database(database);
		TestEngine engine = this.fixture.start(db, db.dataSource(),
				EngineFixture.settings().toBuilder().concurrency(3).build(), (builder) -> {
				}, blocking);
		WorkerStatus idle = engine.engine().workerStatus();
		assertThat(idle.leaseOwner()).startsWith("test:");
		assertThat(idle.slotsTotal()).isEqualTo(3);
		awaiting().until(() -> engine.engine().workerStatus().slotsAvailable() == 3);
		String runId = engine.send("app/block", Map.of()).runIds().get(0);
		assertThat(blocking.started.await(TestEngine.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// A claim in flight holds the free slots for a moment: the status settles once it
		// ends.
		WorkerStatus busy = awaiting().until(() -> engine.engine().workerStatus(),
				(status) -> status.slotsAvailable() == 2);
		assertThat(busy.runsHeld()).isOne();
		assertThat(busy.claimedAhead()).isZero();
		blocking.release.countDown();
		engine.awaitRun(runId, RunStatus.COMPLETED);
		awaiting().until(() -> engine.engine().workerStatus().slotsAvailable() == 3
				&& engine.engine().workerStatus().runsHeld() == 0);
	}

	static class Orders {

		@EventFunction(id = "invoice", event = "app/order")
		void invoice() {
		}

		@EventFunction(id = "receipt", event = "app/order")
		void receipt() {
		}

	}

	static class Blocking {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@EventFunction(id = "blocking", event = "app/block")
		void block() throws InterruptedException {
			this.started.countDown();
			this.release.await(TestEngine.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}

	}

}
