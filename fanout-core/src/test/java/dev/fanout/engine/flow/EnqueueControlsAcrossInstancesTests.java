package dev.fanout.engine.flow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.Idempotency;
import dev.fanout.RateLimit;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.Singleton;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The enqueue-time controls are exact across instances (issue 18): three engines of one
 * application on one PostgreSQL database, each sending from several threads at once.
 */
class EnqueueControlsAcrossInstancesTests {

	private static final int INSTANCES = 3;

	private static final int THREADS_PER_INSTANCE = 2;

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	private final ExecutorService senders = Executors.newFixedThreadPool(INSTANCES * THREADS_PER_INSTANCE);

	@AfterEach
	void stopSenders() throws InterruptedException {
		this.senders.shutdownNow();
		this.senders.awaitTermination(10, TimeUnit.SECONDS);
	}

	@Test
	void rateLimitAdmitsExactlyTheLimitPerKey() throws Exception {
		Limited limited = new Limited();
		List<TestEngine> engines = start(limited);
		Map<Object, AtomicInteger> admitted = new ConcurrentHashMap<>();
		List<SendResult> sent = sendFromAll(engines, "app/limited", 60, (i) -> Map.of("k", i % 2),
				(data, result) -> admitted.computeIfAbsent(data.get("k"), (k) -> new AtomicInteger())
					.addAndGet(result.runIds().size()));
		assertThat(sent).hasSize(360);
		assertThat(admitted).containsOnlyKeys(0, 1);
		assertThat(admitted.values()).extracting(AtomicInteger::get).containsExactly(25, 25);
		assertThat(engines.get(0).awaitRunsOf("limited", 50)).hasSize(50)
			.allMatch((run) -> run.status() == RunStatus.COMPLETED);
		assertThat(skipped(engines, "limited", "rate-limit")).isEqualTo(310);
	}

	@Test
	void idempotencyAdmitsOneRunPerKey() throws Exception {
		Limited limited = new Limited();
		List<TestEngine> engines = start(limited);
		List<SendResult> sent = sendFromAll(engines, "app/once", 30, (i) -> Map.of("order", i % 10), (data, result) -> {
		});
		assertThat(sent.stream().mapToInt((result) -> result.runIds().size()).sum()).isEqualTo(10);
		assertThat(engines.get(0).awaitRunsOf("once", 10)).hasSize(10);
		awaiting().until(() -> limited.orders.size() == 10);
		assertThat(limited.orders).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
		assertThat(skipped(engines, "once", "idempotency")).isEqualTo(170);
	}

	@Test
	void singletonSkipNeverRunsTwoRunsOfAKeyAtOnce() throws Exception {
		Exclusive exclusive = new Exclusive();
		List<TestEngine> engines = start(exclusive);
		List<CompletableFuture<Integer>> sending = new ArrayList<>();
		CyclicBarrier start = new CyclicBarrier(INSTANCES * THREADS_PER_INSTANCE);
		for (TestEngine engine : engines) {
			for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
				sending.add(CompletableFuture.supplyAsync(() -> {
					await(start);
					int runs = 0;
					// Until each key has had a few runs one after the other.
					for (int i = 0; exclusive.spans.size() < 8 && i < 10_000; i++) {
						runs += engine.send("app/exclusive", Map.of("k", (i % 2 == 0) ? "a" : "b")).runIds().size();
					}
					return runs;
				}, this.senders));
			}
		}
		int runs = sending.stream().mapToInt(CompletableFuture::join).sum();
		assertThat(engines.get(0).awaitRunsOf("exclusive", runs)).hasSize(runs)
			.allMatch((run) -> run.status() == RunStatus.COMPLETED);
		assertThat(exclusive.spans).hasSize(runs);
		for (String key : List.of("a", "b")) {
			List<Span> spans = exclusive.spans.stream()
				.filter((span) -> span.key().equals(key))
				.sorted(Comparator.comparingLong(Span::start))
				.toList();
			assertThat(spans).as("runs of key %s", key).hasSizeGreaterThanOrEqualTo(2);
			for (int i = 1; i < spans.size(); i++) {
				assertThat(spans.get(i).start()).as("run %d of key %s starts after the one before ends", i, key)
					.isGreaterThan(spans.get(i - 1).end());
			}
		}
		assertThat(skipped(engines, "exclusive", "singleton")).isPositive();
	}

	private List<TestEngine> start(Object functions) {
		FreshDatabase db = this.fixture.database(TestDatabase.POSTGRESQL);
		List<TestEngine> engines = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			engines.add(this.fixture.start(db, EngineFixture.settings(), functions));
		}
		return engines;
	}

	/**
	 * Send events for one function from every thread of every instance at once, each
	 * event in a send of its own, and hand each result to a consumer.
	 */
	private List<SendResult> sendFromAll(List<TestEngine> engines, String name, int perThread,
			Function<Integer, Map<String, Object>> data, ResultConsumer consumer) throws Exception {
		List<CompletableFuture<List<SendResult>>> sending = new ArrayList<>();
		CyclicBarrier start = new CyclicBarrier(INSTANCES * THREADS_PER_INSTANCE);
		for (TestEngine engine : engines) {
			for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
				sending.add(CompletableFuture.supplyAsync(() -> {
					await(start);
					List<SendResult> results = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						Map<String, Object> event = data.apply(i);
						SendResult result = engine.send(name, event);
						consumer.accept(event, result);
						results.add(result);
					}
					return results;
				}, this.senders));
			}
		}
		List<SendResult> all = new ArrayList<>();
		for (CompletableFuture<List<SendResult>> each : sending) {
			all.addAll(each.get(60, TimeUnit.SECONDS));
		}
		return all;
	}

	private static long skipped(List<TestEngine> engines, String functionId, String reason) {
		return engines.stream()
			.mapToLong((engine) -> engine.admin()
				.skippedEvents()
				.getOrDefault(functionId, Map.of())
				.getOrDefault(reason, 0L))
			.sum();
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@FunctionalInterface
	interface ResultConsumer {

		void accept(Map<String, Object> event, SendResult result);

	}

	record Span(String key, long start, long end) {
	}

	static class Limited {

		final List<Integer> orders = new CopyOnWriteArrayList<>();

		@EventFunction(id = "limited", event = "app/limited")
		@RateLimit(limit = 25, period = "1h", key = "event.data.k")
		void limited() {
		}

		@EventFunction(id = "once", event = "app/once")
		@Idempotency(key = "event.data.order")
		void once(Map<String, Object> data) {
			this.orders.add(((Number) data.get("order")).intValue());
		}

	}

	static class Exclusive {

		final List<Span> spans = new CopyOnWriteArrayList<>();

		@EventFunction(id = "exclusive", event = "app/exclusive")
		@Singleton(key = "event.data.k")
		void exclusive(Map<String, Object> data) {
			long start = System.nanoTime();
			// Work long enough for many events to arrive while it runs.
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30));
			this.spans.add(new Span((String) data.get("k"), start, System.nanoTime()));
		}

	}

}
