package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * One event, many functions: each triggered function gets a run of its own, runs execute
 * in parallel, and one failing function leaves the others alone.
 */
class FanOutTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void givesEveryTriggeredFunctionItsOwnRun(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new SignupFunctions());
		SendResult sent = engine.send("app/user.signup", Map.of("email", "ada@example.com"));
		assertThat(sent.eventIds()).hasSize(1);
		assertThat(sent.runIds()).hasSize(3).doesNotHaveDuplicates();
		Map<String, RunInfo> runs = engine.awaitRunsByFunction(sent);
		assertThat(runs).containsOnlyKeys("send-welcome-email", "start-stripe-trial", "sync-crm");
		assertThat(runs.values()).allSatisfy((run) -> {
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.eventId()).isEqualTo(sent.eventIds().get(0));
			assertThat(run.attempts()).isEqualTo(1);
			assertThat(run.error()).isNull();
			assertThat(run.startedAt()).isAfterOrEqualTo(run.createdAt());
			assertThat(run.endedAt()).isAfterOrEqualTo(run.startedAt());
		});
		assertThat(runs.get("send-welcome-email").output())
			.isEqualTo("{\"to\":\"ada@example.com\",\"template\":\"welcome\"}");
		assertThat(runs.get("start-stripe-trial").output()).isEqualTo("{\"customer\":\"cus_1\",\"trialDays\":14}");
		assertThat(runs.get("sync-crm").output()).isEqualTo("\"synced ada@example.com\"");
		assertThat(engine.admin().runsForEvent(sent.eventIds().get(0))).extracting(RunInfo::runId)
			.containsExactlyElementsOf(sent.runIds());
	}

	@OnEachDatabase
	void runsTriggeredFunctionsInParallel(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new SlowFunctions());
		Instant sentAt = Instant.now();
		SendResult sent = engine.send("app/report.requested", Map.of());
		List<RunInfo> runs = engine.awaitRuns(sent);
		assertThat(runs).extracting(RunInfo::status).containsOnly(RunStatus.COMPLETED).hasSize(2);
		Instant lastEnd = runs.stream().map(RunInfo::endedAt).max(Comparator.naturalOrder()).orElseThrow();
		assertThat(Duration.between(sentAt, lastEnd)).isBetween(Duration.ofMillis(500), Duration.ofMillis(999));
	}

	@OnEachDatabase
	void failingFunctionExhaustsItsRetriesWithoutAffectingTheOthers(TestDatabase database) {
		CardFunctions functions = new CardFunctions();
		TestEngine engine = this.fixture.start(database, functions);
		SendResult sent = engine.send("app/order.placed", Map.of("order", 7));
		Map<String, RunInfo> runs = engine.awaitRunsByFunction(sent);
		RunInfo charge = runs.get("charge-card");
		assertThat(charge.status()).isEqualTo(RunStatus.FAILED);
		assertThat(charge.attempts()).isEqualTo(3);
		assertThat(charge.error()).contains("card declined");
		assertThat(charge.output()).isNull();
		assertThat(charge.steps()).singleElement().satisfies((step) -> {
			assertThat(step.key()).isEqualTo("charge");
			assertThat(step.status()).isEqualTo(StepStatus.FAILED);
			assertThat(step.attempts()).isEqualTo(3);
			assertThat(step.error()).isEqualTo("java.lang.IllegalStateException: card declined");
			assertThat(step.endedAt()).isNotNull();
		});
		assertThat(functions.charges).hasValue(3);
		RunInfo receipt = runs.get("send-receipt");
		assertThat(receipt.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(receipt.attempts()).isEqualTo(1);
		assertThat(receipt.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("send", StepStatus.COMPLETED, 1));
		assertThat(functions.receipts).hasValue(1);
	}

	@OnEachDatabase
	void wildcardTriggerMatchesEventNamesByPrefix(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new AuditFunctions());
		SendResult signup = engine.send("app/user.signup", Map.of());
		assertThat(engine.awaitRuns(signup)).singleElement().satisfies((run) -> {
			assertThat(run.functionId()).isEqualTo("audit-users");
			assertThat(run.output()).isEqualTo("\"app/user.signup\"");
		});
		assertThat(engine.send("app/user.deleted", Map.of()).runIds()).hasSize(1);
		assertThat(engine.send("app/order.created", Map.of()).runIds()).isEmpty();
		assertThat(engine.send("app/user", Map.of()).runIds()).isEmpty();
	}

	@OnEachDatabase
	void filterDecidesWhichEventsTriggerTheFunction(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new AuditFunctions());
		SendResult pro = engine.send("app/plan.chosen", Map.of("plan", "pro"));
		assertThat(pro.runIds()).hasSize(1);
		assertThat(engine.awaitRun(pro.runIds().get(0)).functionId()).isEqualTo("onboard-pro");
		assertThat(engine.send("app/plan.chosen", Map.of("plan", "free")).runIds()).isEmpty();
		assertThat(engine.send("app/plan.chosen", Map.of()).runIds()).isEmpty();
		assertThat(engine.send("app/plan.chosen", Map.of("plan", Map.of("name", "pro"))).runIds()).isEmpty();
	}

	record Email(String to, String template) {
	}

	record Trial(String customer, int trialDays) {
	}

	static class SignupFunctions {

		@EventFunction(id = "send-welcome-email", event = "app/user.signup")
		Email sendWelcomeEmail(Map<String, Object> data, StepContext step) {
			return step.run("send", () -> new Email((String) data.get("email"), "welcome"));
		}

		@EventFunction(id = "start-stripe-trial", event = "app/user.signup")
		Trial startStripeTrial(StepContext step) {
			String customer = step.run("create-customer", () -> "cus_1");
			return step.run("create-subscription", () -> new Trial(customer, 14));
		}

		@EventFunction(id = "sync-crm", event = "app/user.signup")
		String syncCrm(Map<String, Object> data) {
			return "synced " + data.get("email");
		}

	}

	static class SlowFunctions {

		@EventFunction(id = "render-pdf", event = "app/report.requested")
		void renderPdf(StepContext step) {
			step.run("render", () -> Thread.sleep(500));
		}

		@EventFunction(id = "render-csv", event = "app/report.requested")
		void renderCsv(StepContext step) {
			step.run("render", () -> Thread.sleep(500));
		}

	}

	static class CardFunctions {

		final AtomicInteger charges = new AtomicInteger();

		final AtomicInteger receipts = new AtomicInteger();

		@EventFunction(id = "charge-card", event = "app/order.placed", retries = 2)
		void chargeCard(StepContext step) {
			step.run("charge", () -> {
				this.charges.incrementAndGet();
				throw new IllegalStateException("card declined");
			});
		}

		@EventFunction(id = "send-receipt", event = "app/order.placed")
		void sendReceipt(StepContext step) {
			step.run("send", this.receipts::incrementAndGet);
		}

	}

	static class AuditFunctions {

		@EventFunction(id = "audit-users", event = "app/user.*")
		String auditUsers(Event event) {
			return event.name();
		}

		@EventFunction(id = "onboard-pro", event = "app/plan.chosen", filter = "event.data.plan == 'pro'")
		void onboardPro() {
		}

	}

}
