package dev.fanout.engine.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Concurrency;
import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.Throttle;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.Intervals;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-time controls are exact across instances (issue 18): three engines of one
 * application on one PostgreSQL database claim the same backlog, and the limits hold for
 * all of them together. Each test prints what it observed.
 */
class StartControlsAcrossInstancesTests {

	private static final int INSTANCES = 3;

	private static final Duration WORK = Duration.ofMillis(15);

	/** Ten a second: one start every 100 ms. */
	private static final Duration INTERVAL = Duration.ofMillis(100);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	private final ExecutorService senders = Executors.newFixedThreadPool(INSTANCES);

	@AfterEach
	void stopSenders() throws InterruptedException {
		this.senders.shutdownNow();
		this.senders.awaitTermination(10, TimeUnit.SECONDS);
	}

	@Test
	void aConcurrencyLimitPerKeyHoldsAcrossInstancesAndALoneKeyIsNotHeldUp() throws Exception {
		Recorded functions = new Recorded();
		List<TestEngine> engines = start(functions);
		// 299 events over four keys, from every instance at once, then one of a fifth
		// key.
		List<CompletableFuture<List<String>>> sending = new ArrayList<>();
		for (int e = 0; e < INSTANCES; e++) {
			TestEngine engine = engines.get(e);
			int first = e;
			sending.add(CompletableFuture.supplyAsync(() -> ConcurrencyTests.sendAll(engine, "app/keyed",
					(first < 2) ? 100 : 99, (i) -> Map.of("k", "key-" + ((i + first) % 4))), this.senders));
		}
		List<String> backlog = new ArrayList<>();
		for (CompletableFuture<List<String>> each : sending) {
			backlog.addAll(each.get(60, TimeUnit.SECONDS));
		}
		String lone = engines.get(1).send("app/keyed", Map.of("k", "lone")).runIds().get(0);
		assertThat(backlog).hasSize(299);
		RunInfo loneRun = engines.get(0).awaitRun(lone, RunStatus.COMPLETED);
		List<RunInfo> runs = backlog.stream().map((id) -> engines.get(0).awaitRun(id, RunStatus.COMPLETED)).toList();
		Instant lastStart = runs.stream().map(RunInfo::startedAt).max(Comparator.naturalOrder()).orElseThrow();
		Map<String, Integer> most = functions.keyed.mostAtOnceByKey();
		System.out.printf(
				"concurrency across %d instances: 300 runs over 5 keys, limit 2 per key: most at once "
						+ "per key %s, %d overall; runs by instance %s; the lone key ended %d ms after it was sent, "
						+ "%d ms before the backlog's last start%n",
				INSTANCES, most, functions.mostAtOnce(), functions.byInstance,
				Duration.between(loneRun.createdAt(), loneRun.endedAt()).toMillis(),
				Duration.between(loneRun.endedAt(), lastStart).toMillis());
		assertThat(functions.keyed.all()).hasSize(300);
		assertThat(most).hasSize(5);
		assertThat(most.values()).allSatisfy((atOnce) -> assertThat(atOnce).isLessThanOrEqualTo(2));
		assertThat(functions.mostAtOnce()).isGreaterThan(2);
		assertThat(loneRun.endedAt()).isBefore(lastStart);
	}

	@Test
	void throttledStartsAreSpacedAcrossInstances() throws Exception {
		Recorded functions = new Recorded();
		List<TestEngine> engines = start(functions);
		List<CompletableFuture<List<String>>> sending = new ArrayList<>();
		for (TestEngine engine : engines) {
			sending.add(CompletableFuture.supplyAsync(
					() -> ConcurrencyTests.sendAll(engine, "app/throttled", 8, (i) -> Map.of("n", i)), this.senders));
		}
		List<String> runIds = new ArrayList<>();
		for (CompletableFuture<List<String>> each : sending) {
			runIds.addAll(each.get(60, TimeUnit.SECONDS));
		}
		List<RunInfo> runs = runIds.stream().map((id) -> engines.get(0).awaitRun(id, RunStatus.COMPLETED)).toList();
		List<Instant> starts = runs.stream().map(RunInfo::startedAt).sorted().toList();
		Duration smallest = Duration.ofDays(1);
		for (int i = 1; i < starts.size(); i++) {
			Duration gap = Duration.between(starts.get(i - 1), starts.get(i));
			smallest = (gap.compareTo(smallest) < 0) ? gap : smallest;
		}
		System.out.printf(
				"throttle across %d instances: 24 starts at 10 per second, smallest gap %d ms, "
						+ "first to last %d ms, runs by instance %s%n",
				INSTANCES, smallest.toMillis(),
				Duration.between(starts.get(0), starts.get(starts.size() - 1)).toMillis(), functions.byInstance);
		assertThat(smallest).isGreaterThanOrEqualTo(INTERVAL);
	}

	/** Engines of one application, each with its own beans that record into one place. */
	private List<TestEngine> start(Recorded recorded) {
		FreshDatabase database = this.fixture.database(TestDatabase.POSTGRESQL);
		List<TestEngine> engines = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			engines.add(this.fixture.start(database, EngineFixture.settings(), new Limited("instance-" + i, recorded)));
		}
		return engines;
	}

	/** What the functions of every instance recorded. */
	static class Recorded {

		final Intervals keyed = new Intervals();

		final Map<String, Integer> byInstance = new ConcurrentSkipListMap<>();

		int mostAtOnce() {
			return this.keyed.mostAtOnce();
		}

	}

	static class Limited {

		private final String instance;

		private final Recorded recorded;

		Limited(String instance, Recorded recorded) {
			this.instance = instance;
			this.recorded = recorded;
		}

		@EventFunction(id = "keyed", event = "app/keyed")
		@Concurrency(limit = 2, key = "event.data.k")
		void keyed(Map<String, Object> data) {
			this.recorded.byInstance.merge(this.instance, 1, Integer::sum);
			this.recorded.keyed.work((String) data.get("k"), WORK);
		}

		@EventFunction(id = "throttled", event = "app/throttled")
		@Throttle(limit = 10, period = "1s")
		void throttled() {
			this.recorded.byInstance.merge(this.instance, 1, Integer::sum);
		}

	}

}
