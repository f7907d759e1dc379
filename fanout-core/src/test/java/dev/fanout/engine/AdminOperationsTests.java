package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.CancelRequest;
import dev.fanout.EventFunction;
import dev.fanout.EventInfo;
import dev.fanout.FunctionInfo;
import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The dashboard's operations of {@code FanoutAdmin}: an event with the runs of every
 * application, the previews of a replay and a cancel, cancel by filter, the functions of
 * every application, and the error stacks, event names and wait details of runs and
 * steps.
 */
class AdminOperationsTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void anEventShowsTheRunsItStartedInEveryApplication(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		TestEngine billing = this.fixture.start(db, EngineFixture.settings("billing"), new Billing());
		this.fixture.start(db, EngineFixture.settings("mailing"), new Mailing());
		SendResult sent = billing.send("app/user.signup", Map.of("plan", "pro"));
		sent.runIds().forEach((id) -> billing.awaitRun(id, RunStatus.COMPLETED));
		EventInfo event = billing.admin().event(sent.eventIds().get(0)).orElseThrow();
		assertThat(event.name()).isEqualTo("app/user.signup");
		assertThat(event.data()).isEqualTo("{\"plan\":\"pro\"}");
		assertThat(event.duplicate()).isFalse();
		assertThat(event.runs()).extracting(RunInfo::runId).containsExactlyElementsOf(sent.runIds());
		assertThat(event.runs()).extracting(RunInfo::appId, RunInfo::functionId, RunInfo::eventName)
			.containsExactlyInAnyOrder(tuple("billing", "audit", "app/user.signup"),
					tuple("mailing", "welcome", "app/user.signup"));
		assertThat(billing.admin().event("no-such-event")).isEmpty();
	}

	@OnEachDatabase
	void aReplayPreviewCountsWhatTheReplayQueues(TestDatabase database) {
		Failing failing = new Failing();
		TestEngine engine = this.fixture.start(database, failing);
		failing.outage.set(true);
		List<RunInfo> failed = List.of(fail(engine), fail(engine), fail(engine));
		failing.outage.set(false);
		ReplayRequest all = ReplayRequest.builder().function("charge").build();
		ReplayRequest later = ReplayRequest.builder().function("charge").from(failed.get(1).createdAt()).build();
		assertThat(engine.admin().countReplay(later)).isEqualTo(2);
		assertThat(engine.admin().countReplay(all)).isEqualTo(3);
		assertThat(engine.admin().replay(all).runIds()).hasSize(3);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> engine.admin().countReplay(ReplayRequest.builder().function("ship").build()))
			.withMessageContaining("'ship'");
	}

	@OnEachDatabase
	void aReplayOfOneRunQueuesThatRunAlone(TestDatabase database) {
		Failing failing = new Failing();
		TestEngine engine = this.fixture.start(database, failing);
		failing.outage.set(true);
		List<RunInfo> failed = List.of(fail(engine), fail(engine), fail(engine));
		failing.outage.set(false);
		ReplayRequest one = ReplayRequest.builder()
			.function("charge")
			.run(failed.get(1).runId())
			.mode(ReplayMode.RESUME)
			.build();
		assertThat(engine.admin().countReplay(one)).isEqualTo(1);
		assertThat(engine.admin().replay(one).runIds()).containsExactly(failed.get(1).runId());
		engine.awaitRun(failed.get(1).runId(), RunStatus.COMPLETED);
		assertThat(List.of(failed.get(0), failed.get(2)))
			.extracting((run) -> engine.admin().run(run.runId()).orElseThrow().status())
			.containsOnly(RunStatus.FAILED);
	}

	@OnEachDatabase
	void cancelByFilterCancelsExactlyTheRunsItsPreviewCounted(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Billing());
		engine.admin().pause("audit");
		List<String> queued = List.of(signup(engine), signup(engine), signup(engine), signup(engine));
		Instant from = engine.admin().run(queued.get(1)).orElseThrow().createdAt();
		CancelRequest request = CancelRequest.builder("audit").status(RunStatus.QUEUED).from(from).build();
		assertThat(engine.admin().countCancel(request)).isEqualTo(3);
		assertThat(engine.admin().countCancel(CancelRequest.builder("audit").status(RunStatus.SLEEPING).build()))
			.isZero();
		assertThat(engine.admin().cancel(request).runIds()).containsExactlyElementsOf(queued.subList(1, 4));
		assertThat(queued).extracting((id) -> engine.admin().run(id).orElseThrow().status())
			.containsExactly(RunStatus.QUEUED, RunStatus.CANCELLED, RunStatus.CANCELLED, RunStatus.CANCELLED);
		assertThat(engine.admin().countCancel(request)).isZero();
		engine.admin().resume("audit");
		engine.awaitRun(queued.get(0), RunStatus.COMPLETED);
	}

	@OnEachDatabase
	void cancelByFilterIsRefusedWholeOverTheLimitOrForAnotherApplicationsFunction(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		EngineSettings settings = EngineFixture.settings("billing").toBuilder().replayMaxRuns(2).build();
		TestEngine engine = this.fixture.start(db, settings, new Billing());
		this.fixture.start(db, EngineFixture.settings("mailing"), new Mailing());
		engine.admin().pause("audit");
		List<String> queued = List.of(signup(engine), signup(engine), signup(engine));
		CancelRequest all = CancelRequest.builder("audit").build();
		assertThat(engine.admin().countCancel(all)).isEqualTo(3);
		assertThatIllegalArgumentException().isThrownBy(() -> engine.admin().cancel(all))
			.withMessage("The cancel selects 3 runs of 'audit', more than fanout.replay.max-runs (2): narrow it "
					+ "with a time range, or raise the limit");
		assertThat(queued)
			.allSatisfy((id) -> assertThat(engine.admin().run(id).orElseThrow().status()).isEqualTo(RunStatus.QUEUED));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> engine.admin().cancel(CancelRequest.builder("welcome").build()))
			.withMessage("No function 'welcome' in this application: only its own functions' runs can be "
					+ "cancelled here");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> engine.admin().countCancel(CancelRequest.builder("welcome").build()))
			.withMessageContaining("'welcome'");
	}

	@OnEachDatabase
	void functionsListsEveryApplicationsFunctionsWithTheirRunsPausedStateAndActivity(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Failing failing = new Failing();
		TestEngine billing = this.fixture.start(db, EngineFixture.settings("billing"), new Billing(), failing);
		this.fixture.start(db, EngineFixture.settings("mailing"), new Mailing());
		billing.admin().pause("audit");
		SendResult sent = billing.send("app/user.signup", Map.of("plan", "pro"));
		billing.awaitRun(sent.runIds().get(1), RunStatus.COMPLETED);
		failing.outage.set(true);
		fail(billing);
		List<FunctionInfo> functions = billing.admin().functions();
		assertThat(functions).extracting(FunctionInfo::appId, FunctionInfo::id, FunctionInfo::paused)
			.containsExactly(tuple("billing", "audit", true), tuple("billing", "charge", false),
					tuple("mailing", "welcome", false));
		FunctionInfo audit = functions.get(0);
		assertThat(audit.triggers()).containsExactly("app/user.signup");
		assertThat(audit.retries()).isEqualTo(4);
		assertThat(audit.runs()).containsExactly(Map.entry(RunStatus.QUEUED, 1L));
		assertThat(audit.activity().started()).hasSize(60).containsOnly(0);
		FunctionInfo charge = functions.get(1);
		assertThat(charge.retries()).isZero();
		assertThat(charge.filter()).isEqualTo("event.data.amount > 0");
		assertThat(charge.runs()).containsExactly(Map.entry(RunStatus.FAILED, 1L));
		assertThat(charge.activity().failed()).hasSize(60);
		// The run started and failed within this minute or, at a turn of the minute, the
		// one before.
		assertThat(charge.activity().failed().subList(58, 60)).containsAnyOf(1);
		assertThat(charge.activity().failed().stream().mapToInt(Integer::intValue).sum()).isOne();
		FunctionInfo welcome = functions.get(2);
		assertThat(welcome.runs()).containsExactly(Map.entry(RunStatus.COMPLETED, 1L));
		assertThat(welcome.activity().started().subList(58, 60)).containsAnyOf(1);
		assertThat(welcome.activity().started().stream().mapToInt(Integer::intValue).sum()).isOne();
		assertThat(welcome.activity().failed()).containsOnly(0);
	}

	@OnEachDatabase
	void runsAndStepsShowErrorStacksEventNamesAndWhatTheyWaitFor(TestDatabase database) {
		Failing failing = new Failing();
		Patient patient = new Patient();
		TestEngine engine = this.fixture.start(database, failing, patient);
		failing.outage.set(true);
		RunInfo failed = fail(engine);
		assertThat(failed.appId()).isEqualTo("test");
		assertThat(failed.eventName()).isEqualTo("app/charge");
		assertThat(failed.errorStack()).contains("IllegalStateException: card network down")
			.contains("AdminOperationsTests$Failing");
		assertThat(failed.steps()).singleElement().satisfies((step) -> {
			assertThat(step.status()).isEqualTo(StepStatus.FAILED);
			assertThat(step.errorStack()).contains("IllegalStateException: card network down");
			assertThat(step.wakeAt()).isNull();
			assertThat(step.waitsFor()).isNull();
		});
		Instant before = Instant.now();
		String runId = engine.send("app/order.placed", Map.of("id", 7)).runIds().get(0);
		RunInfo waiting = engine.awaitStatus(runId, RunStatus.WAITING);
		assertThat(waiting.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("nap", StepStatus.COMPLETED), tuple("payment", StepStatus.WAITING));
		StepInfo payment = waiting.steps().get(1);
		assertThat(payment.waitsFor()).isEqualTo("app/payment.received if async.data.id == event.data.id");
		assertThat(payment.wakeAt()).isBetween(before.plus(Duration.ofMinutes(59)),
				Instant.now().plus(Duration.ofHours(1)));
		assertThat(engine.admin().runs(dev.fanout.RunQuery.builder().function("patient").build())).singleElement()
			.satisfies((run) -> assertThat(run.steps().get(1).waitsFor()).isEqualTo(payment.waitsFor()));
		engine.send("app/payment.received", Map.of("id", 7));
		RunInfo paid = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(paid.steps().get(1).waitsFor()).isNull();
		assertThat(paid.errorStack()).isNull();
		String sleeping = engine.send("app/nap", Map.of()).runIds().get(0);
		assertThat(engine.awaitStatus(sleeping, RunStatus.SLEEPING).steps()).singleElement().satisfies((step) -> {
			assertThat(step.status()).isEqualTo(StepStatus.SLEEPING);
			assertThat(step.wakeAt()).isAfter(before.plus(Duration.ofMinutes(59)));
			assertThat(step.waitsFor()).isNull();
		});
	}

	private static RunInfo fail(TestEngine engine) {
		return engine.awaitRun(engine.send("app/charge", Map.of("amount", 5)).runIds().get(0), RunStatus.FAILED);
	}

	private static String signup(TestEngine engine) {
		return engine.send("app/user.signup", Map.of("plan", "free")).runIds().get(0);
	}

	static class Billing {

		@EventFunction(id = "audit", event = "app/user.signup")
		void audit() {
		}

	}

	static class Mailing {

		@EventFunction(id = "welcome", event = "app/user.*")
		void welcome() {
		}

	}

	static class Failing {

		final AtomicBoolean outage = new AtomicBoolean();

		@EventFunction(id = "charge", event = "app/charge", filter = "event.data.amount > 0", retries = 0)
		void charge(StepContext step) {
			step.run("authorize", () -> {
				if (this.outage.get()) {
					throw new IllegalStateException("card network down");
				}
			});
		}

	}

	static class Patient {

		@EventFunction(id = "patient", event = "app/order.placed")
		void patient(StepContext step) {
			step.sleep("nap", Duration.ofMillis(1));
			step.waitForEvent("payment", "app/payment.received", Duration.ofHours(1), "async.data.id == event.data.id");
		}

		@EventFunction(id = "sleeper", event = "app/nap")
		void sleeper(StepContext step) {
			step.sleep("long-nap", Duration.ofHours(1));
		}

	}

}
