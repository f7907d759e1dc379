package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
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
 * {@code waitForEvent}: a waiting run holds no thread, the first matching event resumes
 * it once (also when it arrived before the wait was reached, and also when instances
 * race), and a timeout resumes it with nothing.
 */
class WaitForEventTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void waitingRunHoldsNoThreadAndResumesWithTheMatchingEvent(TestDatabase database) {
		Checkout checkout = new Checkout();
		TestEngine engine = this.fixture.start(database, checkout);
		String runId = placeOrder(engine, 1, 10_000);
		RunInfo waiting = engine.awaitStatus(runId, RunStatus.WAITING);
		// The run gives its thread back while it waits.
		awaiting().until(() -> engine.engine().worker().activeRuns() == 0);
		assertThat(waiting.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("payment", StepStatus.WAITING));
		engine.send("app/payment.received", Map.of("orderId", 2, "method", "card"));
		engine.send("app/payment.refunded", Map.of("orderId", 1, "method", "card"));
		assertThat(engine.admin().run(runId).orElseThrow().status()).isEqualTo(RunStatus.WAITING);
		SendResult payment = engine.send("app/payment.received", Map.of("orderId", 1, "method", "iban"));
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"paid by iban (" + payment.eventIds().get(0) + ")\"");
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.steps()).singleElement().satisfies((step) -> {
			assertThat(step.status()).isEqualTo(StepStatus.COMPLETED);
			assertThat(step.output()).contains("\"id\":\"" + payment.eventIds().get(0) + "\"")
				.contains("\"name\":\"app/payment.received\"");
		});
		assertThat(checkout.afterWait.get(runId)).hasValue(1);
		assertThat(engine.database().count("fanout_waits")).isZero();
	}

	@OnEachDatabase
	void waitThatTimesOutResumesWithNothing(TestDatabase database) {
		Checkout checkout = new Checkout();
		TestEngine engine = this.fixture.start(database, checkout);
		String runId = placeOrder(engine, 1, 300);
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"unpaid\"");
		assertThat(Duration.between(run.startedAt(), run.endedAt())).isBetween(Duration.ofMillis(300),
				Duration.ofSeconds(2));
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::output)
			.containsExactly(tuple("payment", StepStatus.COMPLETED, "null"));
		// An event after the timeout changes nothing.
		engine.send("app/payment.received", Map.of("orderId", 1, "method", "card"));
		assertThat(engine.admin().run(runId).orElseThrow().output()).isEqualTo("\"unpaid\"");
		assertThat(engine.database().count("fanout_waits")).isZero();
	}

	@OnEachDatabase
	void eventThatArrivedAfterTheRunStartedButBeforeTheWaitStillCounts(TestDatabase database) {
		Checkout checkout = new Checkout();
		TestEngine engine = this.fixture.start(database, checkout);
		// Sent before the run started: too early to count.
		engine.send("app/payment.received", Map.of("orderId", 5, "method", "early"));
		String runId = engine.send("app/order.prepared", Map.of("orderId", 5)).runIds().get(0);
		awaiting().until(() -> checkout.preparing.getCount() == 0);
		SendResult payment = engine.send("app/payment.received", Map.of("orderId", 5, "method", "card"));
		checkout.prepared.countDown();
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"paid by card (" + payment.eventIds().get(0) + ")\"");
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("prepare", StepStatus.COMPLETED), tuple("payment", StepStatus.COMPLETED));
		assertThat(engine.database().count("fanout_waits")).isZero();
	}

	@OnEachDatabase
	void eventBehindManyOthersOfItsNameBeforeTheWaitStillCounts(TestDatabase database) {
		Checkout checkout = new Checkout();
		TestEngine engine = this.fixture.start(database, checkout);
		String runId = engine.send("app/order.prepared", Map.of("orderId", 7)).runIds().get(0);
		awaiting().until(() -> checkout.preparing.getCount() == 0);
		// More payments for other orders than the look-back reads at a time.
		List<Event> others = new ArrayList<>();
		for (int i = 0; i < 1_200; i++) {
			others.add(Event.of("app/payment.received", Map.of("orderId", 1_000 + i, "method", "card")));
		}
		engine.sender().sendAll(others);
		SendResult payment = engine.send("app/payment.received", Map.of("orderId", 7, "method", "late"));
		checkout.prepared.countDown();
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"paid by late (" + payment.eventIds().get(0) + ")\"");
		assertThat(run.attempts()).isEqualTo(1);
	}

	@OnEachDatabase
	void waitingRunsSurviveARestartAndResumeOnTheNextEngine(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Checkout checkout = new Checkout();
		EngineSettings settings = EngineFixture.settings().toBuilder().pollInterval(Duration.ofSeconds(5)).build();
		TestEngine first = this.fixture.start(db, settings, checkout);
		String paid = placeOrder(first, 1, 10_000);
		String unpaid = placeOrder(first, 2, 1_500);
		first.awaitStatus(paid, RunStatus.WAITING);
		first.awaitStatus(unpaid, RunStatus.WAITING);
		first.stop();
		// Sent while no worker runs: the run is resumed by whichever engine comes next.
		SendResult payment = first.send("app/payment.received", Map.of("orderId", 1, "method", "card"));
		assertThat(first.admin().run(paid).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
		TestEngine second = this.fixture.start(db, settings, checkout);
		RunInfo paidRun = second.awaitRun(paid, RunStatus.COMPLETED);
		assertThat(paidRun.output()).isEqualTo("\"paid by card (" + payment.eventIds().get(0) + ")\"");
		RunInfo unpaidRun = second.awaitRun(unpaid, RunStatus.COMPLETED);
		assertThat(unpaidRun.output()).isEqualTo("\"unpaid\"");
		Instant timeout = unpaidRun.startedAt().plusMillis(1_500);
		assertThat(unpaidRun.endedAt()).isBetween(timeout, timeout.plusMillis(200));
		assertThat(checkout.afterWait.get(paid)).hasValue(1);
		assertThat(checkout.afterWait.get(unpaid)).hasValue(1);
	}

	@OnEachDatabase
	void matchingEventsRacingThroughTwoEnginesResumeEachWaitingRunOnce(TestDatabase database) throws Exception {
		FreshDatabase db = this.fixture.database(database);
		Checkout checkout = new Checkout();
		TestEngine first = this.fixture.start(db, EngineFixture.settings(), checkout);
		TestEngine second = this.fixture.start(db, EngineFixture.settings(), checkout);
		List<String> runIds = new ArrayList<>();
		for (int order = 0; order < 20; order++) {
			runIds.add(placeOrder((order % 2 == 0) ? first : second, order, 10_000));
		}
		runIds.forEach((runId) -> first.awaitStatus(runId, RunStatus.WAITING));
		ExecutorService senders = Executors.newFixedThreadPool(4);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<CompletableFuture<SendResult>> sends = new ArrayList<>();
			for (int order = 0; order < 20; order++) {
				for (TestEngine engine : List.of(first, second)) {
					Event payment = Event.of("app/payment.received", Map.of("orderId", order, "method", "card"));
					sends.add(CompletableFuture.supplyAsync(() -> {
						awaitQuietly(go);
						return engine.sender().send(payment);
					}, senders));
				}
				// The same event id through both engines: stored once, resumes nothing
				// twice.
				Event twice = Event.of("app/payment.received", Map.of("orderId", order, "method", "twice"));
				for (TestEngine engine : List.of(first, second)) {
					sends.add(CompletableFuture.supplyAsync(() -> {
						awaitQuietly(go);
						return engine.sender().send(twice);
					}, senders));
				}
			}
			go.countDown();
			CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get();
		}
		finally {
			senders.shutdown();
		}
		assertThat(runIds.stream().map(first::awaitRun)).allSatisfy((run) -> {
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.attempts()).isEqualTo(2);
			assertThat(run.output()).startsWith("\"paid by ");
			assertThat(checkout.afterWait.get(run.runId())).hasValue(1);
		});
		Integer stored = db.jdbc()
			.queryForObject(
					"SELECT COUNT(*) FROM fanout_events WHERE name = 'app/payment.received' AND duplicate = FALSE",
					Integer.class);
		assertThat(stored).isEqualTo(60);
		assertThat(db.count("fanout_waits")).isZero();
	}

	@OnEachDatabase
	void eventThatResumedOneWaitDoesNotAlsoResumeTheNextWaitOfTheRun(TestDatabase database) {
		Checkout checkout = new Checkout();
		TestEngine engine = this.fixture.start(database, checkout);
		String runId = engine.send("app/order.shipped", Map.of("orderId", 3)).runIds().get(0);
		engine.awaitStatus(runId, RunStatus.WAITING);
		SendResult first = engine.send("app/parcel.scanned", Map.of("orderId", 3, "depot", "A"));
		awaiting().until(() -> engine.admin().run(runId).orElseThrow().steps().size() == 2);
		RunInfo waitingAgain = engine.awaitStatus(runId, RunStatus.WAITING);
		assertThat(waitingAgain.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("scan", StepStatus.COMPLETED), tuple("scan:1", StepStatus.WAITING));
		SendResult second = engine.send("app/parcel.scanned", Map.of("orderId", 3, "depot", "B"));
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"" + first.eventIds().get(0) + " then " + second.eventIds().get(0) + "\"");
	}

	@OnEachDatabase
	void matchThatDoesNotParseFailsTheRunWithoutRetries(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Checkout());
		RunInfo run = engine.awaitRun(engine.send("app/order.disputed", Map.of()).runIds().get(0), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).contains("waitForEvent 'ruling': match expression 'async.data.id ==' does not parse");
		assertThat(engine.database().count("fanout_waits")).isZero();
	}

	private static String placeOrder(TestEngine engine, int orderId, long timeoutMillis) {
		return engine.send("app/order.placed", Map.of("orderId", orderId, "timeoutMillis", timeoutMillis))
			.runIds()
			.get(0);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static class Checkout {

		static final String SAME_ORDER = "async.data.orderId == event.data.orderId";

		final Map<String, AtomicInteger> afterWait = new ConcurrentHashMap<>();

		final CountDownLatch preparing = new CountDownLatch(1);

		final CountDownLatch prepared = new CountDownLatch(1);

		@EventFunction(id = "await-payment", event = "app/order.placed")
		String awaitPayment(Map<String, Object> data, StepContext step, RunContext run) {
			Duration timeout = Duration.ofMillis(((Number) data.get("timeoutMillis")).longValue());
			Optional<Event> payment = step.waitForEvent("payment", "app/payment.received", timeout, SAME_ORDER);
			return paid(run, payment);
		}

		@EventFunction(id = "prepare-then-await-payment", event = "app/order.prepared")
		String prepareThenAwaitPayment(StepContext step, RunContext run) {
			step.run("prepare", () -> {
				this.preparing.countDown();
				this.prepared.await();
			});
			Optional<Event> payment = step.waitForEvent("payment", "app/payment.received", Duration.ofSeconds(10),
					SAME_ORDER);
			return paid(run, payment);
		}

		@EventFunction(id = "track-parcel", event = "app/order.shipped")
		String trackParcel(StepContext step) {
			List<String> scans = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				step.waitForEvent("scan", "app/parcel.scanned", Duration.ofSeconds(10), SAME_ORDER)
					.ifPresent((scan) -> scans.add(scan.id()));
			}
			return String.join(" then ", scans);
		}

		@EventFunction(id = "await-ruling", event = "app/order.disputed")
		void awaitRuling(StepContext step) {
			step.waitForEvent("ruling", "app/dispute.ruled", Duration.ofSeconds(10), "async.data.id ==");
		}

		private String paid(RunContext run, Optional<Event> payment) {
			this.afterWait.computeIfAbsent(run.runId(), (id) -> new AtomicInteger()).incrementAndGet();
			return payment.map((event) -> "paid by " + event.data().get("method") + " (" + event.id() + ")")
				.orElse("unpaid");
		}

	}

}
