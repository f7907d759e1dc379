package dev.fanout.engine.flow;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Concurrency;
import dev.fanout.EventFunction;
import dev.fanout.Priority;
import dev.fanout.RunStatus;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Priority}: among due runs, one with priority p is ordered as if queued p
 * seconds earlier, behind a concurrency limit as in the plain claim; ties keep their
 * queue order.
 */
class PriorityTests {

	private static final List<Integer> PRIORITIES = List.of(0, -100, 120, 0, 50, 600);

	private static final List<String> EXPECTED = List.of("p600", "p120", "p50", "first-0", "second-0", "p-100");

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void aBacklogBehindALimitStartsInPriorityOrder(TestDatabase database) throws InterruptedException {
		Ordered functions = new Ordered();
		TestEngine engine = this.fixture.start(database, functions);
		assertThat(startsAfterABlocker(engine, functions, "app/gated")).containsExactlyElementsOf(EXPECTED);
	}

	@OnEachDatabase
	void aBacklogOfABusyWorkerStartsInPriorityOrder(TestDatabase database) throws InterruptedException {
		Ordered functions = new Ordered();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().concurrency(1).build(), functions);
		assertThat(startsAfterABlocker(engine, functions, "app/plain")).containsExactlyElementsOf(EXPECTED);
	}

	/**
	 * The order the prioritised runs start in, all queued in one send while a first run
	 * holds the only place they could run in.
	 */
	private static List<String> startsAfterABlocker(TestEngine engine, Ordered functions, String name)
			throws InterruptedException {
		String blocker = engine.send(name, Map.of("label", "blocker", "p", 0)).runIds().get(0);
		assertThat(functions.blocking.await(10, TimeUnit.SECONDS)).isTrue();
		List<Map<String, Object>> data = new java.util.ArrayList<>();
		for (int i = 0; i < PRIORITIES.size(); i++) {
			int priority = PRIORITIES.get(i);
			String label = (priority != 0) ? "p" + priority : ((i == 0) ? "first-0" : "second-0");
			data.add(Map.of("label", label, "p", priority));
		}
		List<String> runIds = ConcurrencyTests.sendAll(engine, name, data.size(), data::get);
		functions.release.countDown();
		engine.awaitRun(blocker, RunStatus.COMPLETED);
		runIds.forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		return functions.started.subList(1, functions.started.size());
	}

	static class Ordered {

		final List<String> started = new CopyOnWriteArrayList<>();

		final CountDownLatch blocking = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@EventFunction(id = "gated", event = "app/gated")
		@Concurrency(limit = 1)
		@Priority(run = "event.data.p")
		void gated(Map<String, Object> data) throws InterruptedException {
			record(data);
		}

		@EventFunction(id = "plain", event = "app/plain")
		@Priority(run = "event.data.p")
		void plain(Map<String, Object> data) throws InterruptedException {
			record(data);
		}

		private void record(Map<String, Object> data) throws InterruptedException {
			String label = (String) data.get("label");
			this.started.add(label);
			if (label.equals("blocker")) {
				this.blocking.countDown();
				assertThat(this.release.await(10, TimeUnit.SECONDS)).isTrue();
			}
		}

	}

}
