package dev.fanout.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code invoke}: the caller waits without a thread for another function's run and gets
 * its output; a child that fails, is cancelled, does not exist or takes too long fails
 * the caller's step for good.
 */
class InvokeTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void callerWaitsWithoutAThreadAndGetsTheChildOutputConverted(TestDatabase database) {
		Billing billing = new Billing();
		TestEngine engine = this.fixture.start(database, billing);
		String runId = engine.send("app/cart.checked-out", Map.of("items", List.of(3, 4), "block", true))
			.runIds()
			.get(0);
		awaiting().until(() -> billing.computing.getCount() == 0);
		RunInfo waiting = engine.awaitStatus(runId, RunStatus.WAITING);
		assertThat(waiting.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("count", StepStatus.COMPLETED), tuple("total", StepStatus.WAITING));
		// Only the child holds a thread.
		assertThat(engine.engine().worker().activeRuns()).isEqualTo(1);
		billing.compute.countDown();
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"total 7 in EUR\"");
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("count", StepStatus.COMPLETED), tuple("total", StepStatus.COMPLETED));
		RunInfo child = engine.awaitRunsOf("compute-total", 1).get(0);
		assertThat(child.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(engine.database()
			.jdbc()
			.queryForObject("SELECT name FROM fanout_events WHERE id = ?", String.class, child.eventId()))
			.isEqualTo(SystemEvents.FUNCTION_INVOKED);
		assertThat(billing.childData).singleElement()
			.isEqualTo(Map.of("items", List.of(3, 4), "block", true, "parent", runId));
		assertThat(billing.checkouts).hasValue(1);
	}

	@OnEachDatabase
	void failingChildFailsTheCallersStepWithoutRetries(TestDatabase database) {
		Billing billing = new Billing();
		TestEngine engine = this.fixture.start(database, billing);
		RunInfo run = engine.awaitRun(engine.send("app/refund.requested", Map.of("to", "broken")).runIds().get(0),
				RunStatus.COMPLETED);
		RunInfo child = engine.awaitRunsOf("broken", 1).get(0);
		assertThat(child.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.output()).asString()
			.startsWith("\"Step 'refund' failed: Invoked function 'broken' (run " + child.runId() + ") failed: ")
			.contains("ledger offline");
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("refund", StepStatus.FAILED, 1));
	}

	@OnEachDatabase
	void uncaughtFailureOfTheChildFailsTheCallerWithoutRetries(TestDatabase database) {
		Billing billing = new Billing();
		TestEngine engine = this.fixture.start(database, billing);
		RunInfo run = engine.awaitRun(engine.send("app/payout.requested", Map.of()).runIds().get(0), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.error()).startsWith("dev.fanout.StepFailedException: Step 'payout' failed")
			.contains("ledger offline");
		assertThat(engine.awaitRunsOf("broken", 1)).extracting(RunInfo::status).containsExactly(RunStatus.FAILED);
	}

	@OnEachDatabase
	void cancelledChildFailsTheCallersStep(TestDatabase database) {
		Billing billing = new Billing();
		TestEngine engine = this.fixture.start(database, billing);
		String runId = engine.send("app/refund.requested", Map.of("to", "approval")).runIds().get(0);
		String childId = awaiting().until(() -> engine.runIdsOf("approval"), (ids) -> !ids.isEmpty()).get(0);
		engine.awaitStatus(childId, RunStatus.WAITING);
		engine.admin().cancel(childId);
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).asString()
			.isEqualTo("\"Step 'refund' failed: Invoked function 'approval' (run " + childId
					+ ") was cancelled: Cancelled by FanoutAdmin\"");
		assertThat(engine.admin().run(childId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
	}

	@OnEachDatabase
	void invokingAFunctionThatDoesNotExistFailsTheCallersStep(TestDatabase database) {
		Billing billing = new Billing();
		TestEngine engine = this.fixture.start(database, billing);
		RunInfo run = engine.awaitRun(
				engine.send("app/refund.requested", Map.of("to", "no-such-function")).runIds().get(0),
				RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo(
				"\"Step 'refund' failed: No function 'no-such-function' to invoke, in this application or another on its database\"");
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("refund", StepStatus.FAILED));
		assertThat(engine.database().count("fanout_runs")).isEqualTo(1);
	}

	@OnEachDatabase
	void childThatOutlastsTheTimeoutFailsTheCallersStep(TestDatabase database) {
		Billing billing = new Billing();
		TestEngine engine = this.fixture.start(database, billing);
		String runId = engine.send("app/refund.requested", Map.of("to", "approval", "timeoutMillis", 300))
			.runIds()
			.get(0);
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"Step 'refund' failed: invoke of 'approval' timed out\"");
		assertThat(Duration.between(run.startedAt(), run.endedAt())).isBetween(Duration.ofMillis(300),
				Duration.ofSeconds(3));
		// The child ending later leaves the caller as it is.
		String childId = engine.runIdsOf("approval").get(0);
		engine.send("app/refund.approved", Map.of("parent", runId));
		engine.awaitRun(childId, RunStatus.COMPLETED);
		RunInfo after = engine.admin().run(runId).orElseThrow();
		assertThat(after.output()).isEqualTo(run.output());
		assertThat(after.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("refund", StepStatus.FAILED));
	}

	@OnEachDatabase
	void childThatEndsInTimeReturnsItsOutput(TestDatabase database) {
		Billing billing = new Billing();
		TestEngine engine = this.fixture.start(database, billing);
		String runId = engine.send("app/refund.requested", Map.of("to", "approval", "timeoutMillis", 10_000))
			.runIds()
			.get(0);
		String childId = awaiting().until(() -> engine.runIdsOf("approval"), (ids) -> !ids.isEmpty()).get(0);
		engine.awaitStatus(childId, RunStatus.WAITING);
		engine.send("app/refund.approved", Map.of("parent", runId));
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"refunded: approved\"");
	}

	record Total(int amount, String currency) {
	}

	static class Billing {

		final AtomicInteger checkouts = new AtomicInteger();

		final List<Map<String, Object>> childData = new CopyOnWriteArrayList<>();

		final CountDownLatch computing = new CountDownLatch(1);

		final CountDownLatch compute = new CountDownLatch(1);

		@EventFunction(id = "checkout", event = "app/cart.checked-out")
		String checkout(Map<String, Object> data, StepContext step, RunContext run) {
			step.run("count", this.checkouts::incrementAndGet);
			Map<String, Object> request = new LinkedHashMap<>(data);
			request.put("parent", run.runId());
			Total total = step.invoke("total", "compute-total", request, Total.class);
			return "total " + total.amount() + " in " + total.currency();
		}

		@EventFunction(id = "compute-total", event = "app/never")
		Total computeTotal(Map<String, Object> data, StepContext step) throws InterruptedException {
			this.childData.add(data);
			if (Boolean.TRUE.equals(data.get("block"))) {
				this.computing.countDown();
				this.compute.await();
			}
			List<?> items = (List<?>) data.get("items");
			return new Total(items.stream().mapToInt((item) -> ((Number) item).intValue()).sum(), "EUR");
		}

		@EventFunction(id = "refund", event = "app/refund.requested")
		String refund(Map<String, Object> data, StepContext step, RunContext run) {
			Object timeout = data.get("timeoutMillis");
			try {
				Map<String, Object> request = Map.of("parent", run.runId());
				String result = (timeout != null)
						? step.invoke("refund", (String) data.get("to"), request, String.class,
								Duration.ofMillis(((Number) timeout).longValue()))
						: step.invoke("refund", (String) data.get("to"), request, String.class);
				return "refunded: " + result;
			}
			catch (StepFailedException ex) {
				return ex.getMessage();
			}
		}

		@EventFunction(id = "payout", event = "app/payout.requested")
		String payout(StepContext step) {
			return step.invoke("payout", "broken", Map.of(), String.class);
		}

		@EventFunction(id = "broken", event = "app/never", retries = 0)
		String broken() {
			throw new IllegalStateException("ledger offline");
		}

		@EventFunction(id = "approval", event = "app/never")
		String approval(Event event, StepContext step) {
			return step
				.waitForEvent("approved", "app/refund.approved", Duration.ofSeconds(30),
						"async.data.parent == event.data.parent")
				.map((approved) -> "approved")
				.orElse("not approved");
		}

	}

}
