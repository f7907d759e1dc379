package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.store.RegisteredFunction;
import dev.fanout.store.jdbc.JdbcRunStore;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker: it claims as much work as it has threads without waiting for the poll,
 * starts retries on time, shares work with other instances without running anything
 * twice, and keeps the leases of long steps.
 */
class WorkerTests {

	private static final Duration SLOW_POLL = Duration.ofSeconds(30);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void runsMoreRunsThanThreadsWithoutWaitingForThePoll(TestDatabase database) {
		Counter counter = new Counter();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().concurrency(2).pollInterval(SLOW_POLL).build(), counter);
		List<Event> events = IntStream.range(0, 20).mapToObj((i) -> Event.of("app/tick", Map.of("n", i))).toList();
		SendResult sent = engine.sender().sendAll(events);
		assertThat(sent.runIds()).hasSize(20);
		assertThat(engine.awaitRuns(sent)).extracting(RunInfo::status).containsOnly(RunStatus.COMPLETED);
		assertThat(counter.invocations.values()).hasSize(20).allSatisfy((count) -> assertThat(count).hasValue(1));
	}

	@OnEachDatabase
	void startsARetryDueBeforeTheNextPollOnTime(TestDatabase database) {
		Counter counter = new Counter();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().pollInterval(SLOW_POLL).build(),
				new Backoff(List.of(Duration.ofMillis(200)), 0), counter);
		Instant sentAt = Instant.now();
		SendResult sent = engine.send("app/flaky", Map.of());
		RunInfo run = engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(Duration.between(sentAt, run.endedAt())).isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
	}

	@OnEachDatabase
	void findsARetryDueAfterTheNextPollByPolling(TestDatabase database) {
		Counter counter = new Counter();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().pollInterval(Duration.ofMillis(100)).build(),
				new Backoff(List.of(Duration.ofMillis(300)), 0), counter);
		Instant sentAt = Instant.now();
		SendResult sent = engine.send("app/flaky", Map.of());
		RunInfo run = engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(Duration.between(sentAt, run.endedAt())).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
	}

	@OnEachDatabase
	void competingInstancesRunEveryRunOnce(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Counter counter = new Counter();
		EngineSettings settings = EngineFixture.settings().toBuilder().concurrency(4).build();
		List<TestEngine> engines = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			engines.add(this.fixture.start(db, settings, counter));
		}
		List<String> runIds = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			runIds.addAll(engines.get(i % 3).send("app/tick", Map.of("n", i)).runIds());
		}
		assertThat(runIds).hasSize(60);
		assertThat(runIds.stream().map(engines.get(0)::awaitRun)).allSatisfy((run) -> {
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.attempts()).isEqualTo(1);
		});
		assertThat(counter.invocations).hasSize(60);
		assertThat(counter.invocations.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
	}

	@OnEachDatabase
	void instancesOfOneApplicationRegisteringTogetherAllStart(TestDatabase database) throws Exception {
		FreshDatabase db = this.fixture.database(database);
		JdbcRunStore store = JdbcRunStore.create(db.dataSource(), "fanout_", "test");
		CountDownLatch registered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Instant now = Instant.now();
		// Another instance registering, its transaction not committed yet.
		CompletableFuture<Void> first = CompletableFuture
			.runAsync(() -> db.transactionTemplate().executeWithoutResult((status) -> {
				store.registerFunctions("test",
						List.of(RegisteredFunction.of("test", "tick", "tick").registeredAt(now)));
				registered.countDown();
				awaiting().until(() -> release.getCount() == 0);
			}));
		assertThat(registered.await(TestEngine.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		Counter counter = new Counter();
		CompletableFuture<TestEngine> second = CompletableFuture
			.supplyAsync(() -> this.fixture.start(db, EngineFixture.settings(), counter));
		awaiting().during(Duration.ofMillis(300)).until(() -> !second.isDone());
		release.countDown();
		first.get(TestEngine.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		TestEngine engine = second.get(TestEngine.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		RunInfo run = engine.awaitRun(engine.send("app/tick", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		assertThat(counter.invocations.get(run.runId())).hasValue(1);
	}

	@OnEachDatabase
	void aRunsThreadTakesTheNextRunWhileItsEndCommits(TestDatabase database) throws Exception {
		FreshDatabase db = this.fixture.database(database);
		Gated gated = new Gated();
		TestEngine engine = this.fixture.start(db, EngineFixture.settings().toBuilder().concurrency(1).build(), gated);
		String first = engine.send("app/gated", Map.of("n", 1)).runIds().get(0);
		awaiting().until(() -> gated.entered.contains(1));
		CountDownLatch locked = new CountDownLatch(1);
		CountDownLatch unlock = new CountDownLatch(1);
		// Holds the first run's row, so that its end cannot commit.
		CompletableFuture<Void> holder = CompletableFuture
			.runAsync(() -> db.transactionTemplate().executeWithoutResult((status) -> {
				db.jdbc().queryForList("SELECT id FROM fanout_runs WHERE id = ? FOR UPDATE", first);
				locked.countDown();
				awaiting().until(() -> unlock.getCount() == 0);
			}));
		assertThat(locked.await(TestEngine.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		String second = engine.send("app/gated", Map.of("n", 2)).runIds().get(0);
		gated.open.countDown();
		try {
			awaiting().until(() -> gated.entered.contains(2));
			assertThat(engine.admin().run(first)).map(RunInfo::status).hasValue(RunStatus.RUNNING);
			assertThat(engine.engine().worker().activeRuns()).isEqualTo(2);
		}
		finally {
			unlock.countDown();
		}
		holder.get(TestEngine.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(engine.awaitRun(first, RunStatus.COMPLETED).output()).isEqualTo("1");
		assertThat(engine.awaitRun(second, RunStatus.COMPLETED).output()).isEqualTo("2");
		awaiting().until(() -> engine.engine().worker().activeRuns() == 0);
	}

	@OnEachDatabase
	void aRunClaimedAheadGoesBackToTheQueueAsNeverClaimedWhenNoThreadFreesUp(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Gated gated = new Gated();
		// Two threads, so that one run is claimed ahead, and a poll slow enough to see
		// it.
		EngineSettings settings = EngineFixture.settings().toBuilder().concurrency(2).build();
		TestEngine stuck = this.fixture.start(db, settings.toBuilder().pollInterval(Duration.ofSeconds(1)).build(),
				gated);
		stuck.stop();
		List<String> runIds = IntStream.of(1, 1, 2)
			.mapToObj((n) -> stuck.send("app/gated", Map.of("n", n)).runIds().get(0))
			.toList();
		stuck.engine().start();
		try {
			RunInfo claimed = stuck.awaitStatus(runIds.get(2), RunStatus.RUNNING);
			awaiting().until(() -> gated.entered.contains(1));
			assertThat(gated.entered).containsExactly(1);
			assertThat(claimed.attempts()).isEqualTo(1);
			RunInfo handedBack = stuck.awaitStatus(runIds.get(2), RunStatus.QUEUED);
			assertThat(handedBack.attempts()).isZero();
			assertThat(handedBack.startedAt()).isNull();
			TestEngine other = this.fixture.start(db, settings, gated);
			assertThat(other.awaitRun(runIds.get(2), RunStatus.COMPLETED).attempts()).isEqualTo(1);
			assertThat(stuck.engine().worker().activeRuns()).isEqualTo(2);
		}
		finally {
			gated.open.countDown();
		}
		assertThat(runIds.stream().map((id) -> stuck.awaitRun(id, RunStatus.COMPLETED)))
			.allSatisfy((run) -> assertThat(run.attempts()).isEqualTo(1));
	}

	@OnEachDatabase
	void heartbeatKeepsTheLeaseOfAStepThatOutlastsIt(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Counter counter = new Counter();
		EngineSettings settings = EngineFixture.settings().toBuilder().leaseDuration(Duration.ofSeconds(1)).build();
		TestEngine first = this.fixture.start(db, settings, counter);
		SendResult sent = first.send("app/slow", Map.of());
		TestEngine second = this.fixture.start(db, settings, counter);
		RunInfo run = second.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(Duration.between(run.startedAt(), run.endedAt())).isGreaterThan(Duration.ofMillis(1800));
		assertThat(counter.invocations.get(run.runId())).hasValue(1);
	}

	@OnEachDatabase
	void engineCanBeStoppedAndStartedAgain(TestDatabase database) {
		Counter counter = new Counter();
		TestEngine engine = this.fixture.start(database, counter);
		engine.awaitRun(engine.send("app/tick", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		engine.stop();
		String queued = engine.send("app/tick", Map.of()).runIds().get(0);
		assertThat(engine.admin().run(queued)).map(RunInfo::status).hasValue(RunStatus.QUEUED);
		engine.engine().start();
		engine.awaitRun(queued, RunStatus.COMPLETED);
	}

	static class Gated {

		final Set<Integer> entered = ConcurrentHashMap.newKeySet();

		final CountDownLatch open = new CountDownLatch(1);

		@EventFunction(id = "gated", event = "app/gated")
		int gated(Map<String, Integer> data) throws InterruptedException {
			int n = data.get("n");
			this.entered.add(n);
			if (n == 1) {
				this.open.await();
			}
			return n;
		}

	}

	static class Counter {

		final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();

		final AtomicInteger flaky = new AtomicInteger();

		@EventFunction(id = "tick", event = "app/tick")
		void tick(RunContext run) {
			this.invocations.computeIfAbsent(run.runId(), (id) -> new AtomicInteger()).incrementAndGet();
		}

		@EventFunction(id = "flaky", event = "app/flaky")
		void flaky(StepContext step) {
			step.run("call", () -> {
				if (this.flaky.incrementAndGet() == 1) {
					throw new IllegalStateException("first call fails");
				}
			});
		}

		@EventFunction(id = "slow", event = "app/slow")
		void slow(StepContext step, RunContext run) {
			this.invocations.computeIfAbsent(run.runId(), (id) -> new AtomicInteger()).incrementAndGet();
			step.run("work", () -> Thread.sleep(2000));
		}

	}

}
