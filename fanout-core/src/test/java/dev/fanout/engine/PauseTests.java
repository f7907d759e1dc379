package dev.fanout.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Concurrency;
import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.Timeouts;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code FanoutAdmin.pause} and {@code resume}: a paused function's runs are created and
 * stay queued, on every instance, behind a gate or not, started neither by a claim nor
 * directly by a send, and with no timeout firing; once resumed they all complete, but
 * those past their start timeout.
 */
class PauseTests {

	/** Long enough that only a direct hand-off or a local wake-up can start a run. */
	private static final Duration SLOW_POLL = Duration.ofSeconds(30);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void pausedFunctionsRunsStayQueuedWhileOthersCompleteAndCompleteOnceResumed(TestDatabase database) {
		Orders orders = new Orders();
		TestEngine engine = this.fixture.start(database, orders);
		engine.admin().pause("invoice");
		engine.admin().pause("invoice");
		List<SendResult> sent = IntStream.range(0, 3)
			.mapToObj((i) -> engine.send("app/order", Map.of("n", i)))
			.toList();
		List<String> invoices = runsOf(engine, sent, "invoice");
		assertThat(invoices).hasSize(3);
		runsOf(engine, sent, "receipt").forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		// Claims went on meanwhile: a later run of the other function completed.
		engine.awaitRun(runsOf(engine, List.of(engine.send("app/order", Map.of("n", 3))), "receipt").get(0),
				RunStatus.COMPLETED);
		assertThat(invoices).allSatisfy((id) -> assertThat(status(engine, id)).isEqualTo(RunStatus.QUEUED));
		assertThat(orders.invoiced).hasValue(0);
		engine.admin().resume("invoice");
		engine.admin().resume("invoice");
		invoices.forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		awaiting().until(() -> orders.invoiced.get() == 4);
	}

	@OnEachDatabase
	void aPauseOnOneInstanceHoldsOnAnother(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Orders onA = new Orders();
		Orders onB = new Orders();
		TestEngine a = this.fixture.start(db, EngineFixture.settings(), onA);
		TestEngine b = this.fixture.start(db, EngineFixture.settings(), onB);
		a.admin().pause("invoice");
		List<SendResult> sent = IntStream.range(0, 6)
			.mapToObj((i) -> ((i % 2 == 0) ? a : b).send("app/order", Map.of("n", i)))
			.toList();
		runsOf(a, sent, "receipt").forEach((id) -> a.awaitRun(id, RunStatus.COMPLETED));
		List<String> invoices = runsOf(a, sent, "invoice");
		assertThat(invoices).allSatisfy((id) -> assertThat(status(a, id)).isEqualTo(RunStatus.QUEUED));
		assertThat(onA.invoiced.get() + onB.invoiced.get()).isZero();
		b.admin().resume("invoice");
		invoices.forEach((id) -> b.awaitRun(id, RunStatus.COMPLETED));
		assertThat(onA.invoiced.get() + onB.invoiced.get()).isEqualTo(6);
	}

	@OnEachDatabase
	void aSendDoesNotStartAPausedFunctionsRunDirectly(TestDatabase database) {
		Orders orders = new Orders();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().pollInterval(SLOW_POLL).build(), orders);
		engine.admin().pause("invoice");
		SendResult sent = engine.send("app/order", Map.of("n", 1));
		// The other function's run was handed to a thread as the send committed.
		engine.awaitRun(runsOf(engine, List.of(sent), "receipt").get(0), RunStatus.COMPLETED);
		String invoice = runsOf(engine, List.of(sent), "invoice").get(0);
		assertThat(status(engine, invoice)).isEqualTo(RunStatus.QUEUED);
		engine.admin().resume("invoice");
		RunInfo run = engine.awaitRun(invoice, RunStatus.COMPLETED);
		assertThat(run.attempts()).isOne();
	}

	@OnEachDatabase
	void aGatedFunctionPausedWithARunningRunLetsItFinishAndStartsTheRestOnResume(TestDatabase database)
			throws InterruptedException {
		Gated gated = new Gated();
		TestEngine engine = this.fixture.start(database, gated);
		List<String> runIds = IntStream.range(0, 5)
			.mapToObj((i) -> engine.send("app/serial", Map.of("n", i)).runIds().get(0))
			.toList();
		assertThat(gated.started.await(TestEngine.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		engine.admin().pause("serial");
		engine.admin().pause("charge");
		gated.release.countDown();
		// The run that was running goes on; its freed slot starts none of the others.
		awaiting().until(() -> gated.ran.get() == 1
				&& runIds.stream().filter((id) -> status(engine, id) == RunStatus.COMPLETED).count() == 1);
		String global = engine.send("app/charge", Map.of()).runIds().get(0);
		engine.awaitRun(engine.send("app/other", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		assertThat(runIds.stream().filter((id) -> status(engine, id) == RunStatus.QUEUED)).hasSize(4);
		assertThat(status(engine, global)).isEqualTo(RunStatus.QUEUED);
		assertThat(gated.ran).hasValue(1);
		engine.admin().resume("serial");
		engine.admin().resume("charge");
		runIds.forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		engine.awaitRun(global, RunStatus.COMPLETED);
		assertThat(gated.ran).hasValue(5);
	}

	@OnEachDatabase
	void aStartTimeoutDoesNotFireWhileItsFunctionIsPausedButOnceResumed(TestDatabase database) {
		Orders orders = new Orders();
		TestEngine engine = this.fixture.start(database, orders);
		engine.admin().pause("export");
		String runId = engine.send("app/export", Map.of()).runIds().get(0);
		// Well past the start timeout of 200 ms, the run is still queued.
		awaiting().during(Duration.ofMillis(800))
			.atMost(Duration.ofSeconds(5))
			.until(() -> status(engine, runId) == RunStatus.QUEUED);
		engine.admin().resume("export");
		RunInfo run = engine.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(run.error()).isEqualTo("Not started within the start timeout of PT0.2S");
		assertThat(orders.exported).hasValue(0);
	}

	@OnEachDatabase
	void onlyThisApplicationsFunctionsCanBePaused(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Orders());
		assertThatIllegalArgumentException().isThrownBy(() -> engine.admin().pause("shipping"))
			.withMessageContaining("'shipping'");
		assertThatIllegalArgumentException().isThrownBy(() -> engine.admin().resume("shipping"))
			.withMessageContaining("'shipping'");
		engine.admin().resume("invoice");
		engine.awaitRun(runsOf(engine, List.of(engine.send("app/order", Map.of())), "invoice").get(0),
				RunStatus.COMPLETED);
	}

	private static RunStatus status(TestEngine engine, String runId) {
		return engine.admin().run(runId).orElseThrow().status();
	}

	private static List<String> runsOf(TestEngine engine, List<SendResult> sent, String functionId) {
		return sent.stream()
			.flatMap((result) -> result.runIds().stream())
			.filter((id) -> engine.admin().run(id).orElseThrow().functionId().equals(functionId))
			.toList();
	}

	static class Orders {

		final AtomicInteger invoiced = new AtomicInteger();

		final AtomicInteger exported = new AtomicInteger();

		@EventFunction(id = "invoice", event = "app/order")
		void invoice() {
			this.invoiced.incrementAndGet();
		}

		@EventFunction(id = "receipt", event = "app/order")
		void receipt() {
		}

		@EventFunction(id = "export", event = "app/export")
		@Timeouts(start = "200ms")
		void export() {
			this.exported.incrementAndGet();
		}

	}

	static class Gated {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger ran = new AtomicInteger();

		@EventFunction(id = "serial", event = "app/serial")
		@Concurrency(limit = 1)
		void serial() throws InterruptedException {
			this.started.countDown();
			this.release.await(TestEngine.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			this.ran.incrementAndGet();
		}

		@EventFunction(id = "charge", event = "app/charge")
		@Concurrency(limit = 1, key = "'stripe'", scope = Concurrency.Scope.GLOBAL)
		void charge() {
		}

		@EventFunction(id = "other", event = "app/other")
		void other() {
		}

	}

}
