package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.CancelOn;
import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Cancellation by {@code @CancelOn} events and by {@link dev.fanout.FanoutAdmin#cancel}:
 * a queued, sleeping or waiting run ends at once, a running one after its current step,
 * and {@code fanout/function.cancelled} is sent.
 */
class CancellationTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	@SuppressWarnings("unchecked")
	void matchingEventCancelsASleepingRunAndSendsFunctionCancelled(TestDatabase database) {
		Reminders reminders = new Reminders();
		TestEngine engine = this.fixture.start(database, reminders);
		String cancelled = remind(engine, 1, "sleep");
		String other = remind(engine, 2, "sleep");
		engine.awaitStatus(cancelled, RunStatus.SLEEPING);
		engine.awaitStatus(other, RunStatus.SLEEPING);
		String cancelEventId = engine.send("app/user.deleted", Map.of("userId", 1)).eventIds().get(0);
		RunInfo run = engine.awaitRun(cancelled, RunStatus.CANCELLED);
		assertThat(run.error()).isEqualTo("Cancelled by event 'app/user.deleted' (" + cancelEventId + ")");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("nap", StepStatus.SLEEPING));
		assertThat(engine.admin().run(other).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
		engine.awaitRunsOf("on-cancelled", 1);
		assertThat(reminders.cancellations).singleElement().satisfies((data) -> {
			assertThat(data).containsEntry("function_id", "remind")
				.containsEntry("run_id", cancelled)
				.containsEntry("reason", run.error());
			assertThat(data.get("event")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("name", "app/reminder.requested")
				.containsEntry("data", Map.of("userId", 1, "mode", "sleep"));
		});
		assertThat(reminders.reminded).isEmpty();
		assertThat(engine.database()
			.jdbc()
			.queryForObject("SELECT COUNT(*) FROM fanout_waits WHERE run_id = ?", Integer.class, cancelled)).isZero();
		engine.admin().cancel(other);
		engine.awaitRun(other, RunStatus.CANCELLED);
	}

	@OnEachDatabase
	void aMatchByKeyFollowsSpelEquality(TestDatabase database) {
		Reminders reminders = new Reminders();
		TestEngine engine = this.fixture.start(database, reminders);
		String byDouble = remind(engine, 3, "sleep");
		String byText = remind(engine, 4, "sleep");
		String byLong = remind(engine, 5, "wait");
		engine.awaitStatus(byDouble, RunStatus.SLEEPING);
		engine.awaitStatus(byText, RunStatus.SLEEPING);
		engine.awaitStatus(byLong, RunStatus.WAITING);
		assertThat(engine.database()
			.jdbc()
			.queryForList("SELECT match_key FROM fanout_waits WHERE run_id = ? AND kind = 'cancel' AND match_on = ?",
					String.class, byDouble, "data.userId"))
			.as("found by key, not by reading every matcher")
			.containsExactly("n:3");
		engine.sender()
			.sendAll(List.of(Event.of("app/user.deleted", Map.of("userId", 3.0)),
					Event.of("app/user.deleted", Map.of("userId", "4")),
					Event.of("app/user.confirmed", Map.of("userId", 5L))));
		engine.awaitRun(byDouble, RunStatus.CANCELLED);
		engine.awaitRun(byLong, RunStatus.COMPLETED);
		assertThat(engine.admin().run(byText).orElseThrow().status()).as("'4' is not 4").isEqualTo(RunStatus.SLEEPING);
	}

	@OnEachDatabase
	void matchingEventCancelsAWaitingRun(TestDatabase database) {
		Reminders reminders = new Reminders();
		TestEngine engine = this.fixture.start(database, reminders);
		String runId = remind(engine, 1, "wait");
		engine.awaitStatus(runId, RunStatus.WAITING);
		engine.send("app/user.deleted", Map.of("userId", 1));
		RunInfo run = engine.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("confirmation", StepStatus.WAITING));
		// The wait is gone: a matching event resumes nothing.
		engine.send("app/user.confirmed", Map.of("userId", 1));
		assertThat(engine.admin().run(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(engine.database().count("fanout_waits")).isZero();
		assertThat(reminders.reminded).isEmpty();
	}

	@OnEachDatabase
	void eventOfAnyCancelOnCancelsAQueuedRunBeforeItStarts(TestDatabase database) {
		Reminders reminders = new Reminders();
		TestEngine engine = this.fixture.start(database, reminders);
		Event later = Event.builder("app/reminder.requested")
			.data(Map.of("userId", 1, "mode", "none"))
			.ts(Instant.now().plusSeconds(30))
			.build();
		String runId = engine.sender().send(later).runIds().get(0);
		assertThat(engine.admin().run(runId).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
		String closed = engine.send("app/account.closed", Map.of()).eventIds().get(0);
		RunInfo run = engine.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(run.error()).isEqualTo("Cancelled by event 'app/account.closed' (" + closed + ")");
		assertThat(run.startedAt()).isNull();
		assertThat(run.attempts()).isZero();
		assertThat(reminders.started).hasValue(0);
	}

	@OnEachDatabase
	void aLaterEventOfTheTriggersNameCancelsTheEarlierRunAndNotItsOwn(TestDatabase database) {
		Reminders reminders = new Reminders();
		TestEngine engine = this.fixture.start(database, reminders);
		String first = engine.send("app/profile.updated", Map.of("userId", 1)).runIds().get(0);
		engine.awaitStatus(first, RunStatus.SLEEPING);
		String second = engine.send("app/profile.updated", Map.of("userId", 1)).runIds().get(0);
		assertThat(engine.awaitRun(first, RunStatus.CANCELLED).error()).startsWith("Cancelled by event");
		engine.awaitStatus(second, RunStatus.SLEEPING);
		// In one send, the later event cancels the earlier one's run, not the other way.
		SendResult both = engine.sender()
			.sendAll(List.of(Event.of("app/profile.updated", Map.of("userId", 2)),
					Event.of("app/profile.updated", Map.of("userId", 2))));
		engine.awaitRun(both.runIds().get(0), RunStatus.CANCELLED);
		engine.awaitStatus(both.runIds().get(1), RunStatus.SLEEPING);
		assertThat(engine.admin().run(second).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
	}

	@OnEachDatabase
	void matchingEventLetsTheRunningStepFinishAndStopsTheRunBeforeItsNextStep(TestDatabase database) {
		Reminders reminders = new Reminders();
		TestEngine engine = this.fixture.start(database, reminders);
		String runId = remind(engine, 1, "block");
		awaiting().until(() -> reminders.blocking.getCount() == 0);
		engine.send("app/user.deleted", Map.of("userId", 1));
		assertThat(engine.admin().run(runId).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		reminders.release.countDown();
		RunInfo run = engine.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(run.error()).startsWith("Cancelled by event 'app/user.deleted'");
		assertThat(reminders.blocked).hasValue(1);
		assertThat(reminders.reminded).isEmpty();
		// The step that finished is kept; the next one never ran.
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("block", StepStatus.COMPLETED));
		engine.awaitRunsOf("on-cancelled", 1);
	}

	@OnEachDatabase
	void aCancellationDuringTheLastStepKeepsItsOutputAndCancelsTheRun(TestDatabase database) {
		Reminders reminders = new Reminders();
		TestEngine engine = this.fixture.start(database, reminders);
		String runId = remind(engine, 1, "last");
		awaiting().until(() -> reminders.blocking.getCount() == 0);
		engine.send("app/user.deleted", Map.of("userId", 1));
		reminders.release.countDown();
		// The last step is stored with the run's end: refused together, the step is kept
		// and the run cancelled rather than completed.
		RunInfo run = engine.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(run.error()).startsWith("Cancelled by event 'app/user.deleted'");
		assertThat(run.output()).isNull();
		assertThat(reminders.blocked).hasValue(1);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("block", StepStatus.COMPLETED));
		engine.awaitRunsOf("on-cancelled", 1);
	}

	@OnEachDatabase
	void adminCancelOnAnotherInstanceStopsARunningRunBeforeItsNextStep(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Reminders reminders = new Reminders();
		TestEngine worker = this.fixture.start(db, EngineFixture.settings(), reminders);
		TestEngine admin = this.fixture.start(db, EngineFixture.settings().toBuilder().workerEnabled(false).build(),
				reminders);
		String runId = remind(worker, 1, "block");
		awaiting().until(() -> reminders.blocking.getCount() == 0);
		admin.admin().cancel(runId);
		reminders.release.countDown();
		RunInfo run = worker.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(run.error()).isEqualTo("Cancelled by FanoutAdmin");
		assertThat(reminders.blocked).hasValue(1);
		assertThat(reminders.reminded).isEmpty();
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("block", StepStatus.COMPLETED));
		// Cancelling again changes nothing.
		admin.admin().cancel(runId);
		assertThat(admin.admin().run(runId).orElseThrow()).returns(RunStatus.CANCELLED, RunInfo::status)
			.returns(run.endedAt(), RunInfo::endedAt);
	}

	@OnEachDatabase
	void adminCancelLeavesAFinishedRunAsItIs(TestDatabase database) {
		Reminders reminders = new Reminders();
		TestEngine engine = this.fixture.start(database, reminders);
		String runId = remind(engine, 1, "none");
		engine.awaitRun(runId, RunStatus.COMPLETED);
		engine.admin().cancel(runId);
		RunInfo run = engine.admin().run(runId).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.error()).isNull();
		assertThat(reminders.cancellations).isEmpty();
		// Its cancellation matchers ended with it.
		assertThat(engine.database().count("fanout_waits")).isZero();
	}

	@OnEachDatabase
	void cancelOnTimeoutEndsTheRuleButNotTheRun(TestDatabase database) {
		Reminders reminders = new Reminders();
		TestEngine engine = this.fixture.start(database, reminders);
		String runId = engine.send("app/trial.started", Map.of("userId", 1)).runIds().get(0);
		RunInfo sleeping = engine.awaitStatus(runId, RunStatus.SLEEPING);
		Instant ruleEnds = sleeping.createdAt().plusMillis(300);
		awaiting().until(() -> Instant.now().isAfter(ruleEnds));
		engine.send("app/user.deleted", Map.of("userId", 1));
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"trial ended\"");
	}

	private static String remind(TestEngine engine, int userId, String mode) {
		return engine.send("app/reminder.requested", Map.of("userId", userId, "mode", mode)).runIds().get(0);
	}

	static class Reminders {

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger blocked = new AtomicInteger();

		final List<String> reminded = new CopyOnWriteArrayList<>();

		final List<Map<String, Object>> cancellations = new CopyOnWriteArrayList<>();

		final CountDownLatch blocking = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@EventFunction(id = "remind", event = "app/reminder.requested")
		@CancelOn(event = "app/user.deleted", match = "async.data.userId == event.data.userId")
		@CancelOn(event = "app/account.closed")
		void remind(Map<String, Object> data, StepContext step) {
			this.started.incrementAndGet();
			switch ((String) data.get("mode")) {
				case "sleep" -> step.sleep("nap", Duration.ofSeconds(30));
				case "wait" -> step.waitForEvent("confirmation", "app/user.confirmed", Duration.ofSeconds(30),
						"async.data.userId == event.data.userId");
				case "block", "last" -> step.run("block", () -> {
					this.blocking.countDown();
					this.release.await();
					this.blocked.incrementAndGet();
				});
				default -> {
				}
			}
			if ("last".equals(data.get("mode"))) {
				return;
			}
			step.run("remind", () -> this.reminded.add("user " + data.get("userId")));
		}

		@EventFunction(id = "trial", event = "app/trial.started")
		@CancelOn(event = "app/user.deleted", match = "async.data.userId == event.data.userId", timeout = "300ms")
		String trial(StepContext step) {
			step.sleep("trial", Duration.ofMillis(800));
			return "trial ended";
		}

		@EventFunction(id = "sync-profile", event = "app/profile.updated")
		@CancelOn(event = "app/profile.updated", match = "async.data.userId == event.data.userId")
		void syncProfile(StepContext step) {
			step.sleep("settle", Duration.ofSeconds(30));
		}

		@EventFunction(id = "on-cancelled", event = SystemEvents.FUNCTION_CANCELLED)
		void onCancelled(Map<String, Object> data) {
			this.cancellations.add(data);
		}

	}

}
