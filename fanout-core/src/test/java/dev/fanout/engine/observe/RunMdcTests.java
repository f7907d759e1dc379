package dev.fanout.engine.observe;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.spi.FanoutMetrics;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.StoredEvent;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MDC of a run's thread (observability issue): while a function runs it names the
 * run, the function and the trigger, and inside a step the step key too; all of it is
 * removed after, so a later run on the same thread sees only its own.
 */
class RunMdcTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void namesTheRunAndInsideAStepTheStepAndLeavesNothingBehind(TestDatabase database) {
		Captures captures = new Captures();
		FreshDatabase db = this.fixture.database(database);
		// One thread: the second run executes where the first did.
		TestEngine engine = this.fixture.start(db, db.dataSource(),
				EngineFixture.settings().toBuilder().concurrency(1).build(), (builder) -> {
				}, captures);
		SendResult first = engine.send("app/first", Map.of());
		engine.awaitRun(first.runIds().get(0), RunStatus.COMPLETED);
		SendResult second = engine.send("app/second", Map.of());
		engine.awaitRun(second.runIds().get(0), RunStatus.COMPLETED);
		assertThat(captures.threads).hasSize(3).containsOnly(captures.threads.get(0));
		Map<String, String> inStep = captures.mdc.get(0);
		assertThat(inStep).containsEntry("fanout.runId", first.runIds().get(0))
			.containsEntry("fanout.functionId", "first")
			.containsEntry("fanout.eventId", first.eventIds().get(0))
			.containsEntry("fanout.step", "greet");
		assertThat(captures.mdc.get(1)).containsEntry("fanout.runId", first.runIds().get(0))
			.doesNotContainKey("fanout.step");
		assertThat(captures.mdc.get(2)).containsEntry("fanout.runId", second.runIds().get(0))
			.containsEntry("fanout.functionId", "second")
			.containsEntry("fanout.eventId", second.eventIds().get(0))
			.doesNotContainKey("fanout.step");
	}

	@Test
	void aRunsScopeRemovesEveryEntryItPutOnClose() {
		Telemetry telemetry = new Telemetry(FanoutMetrics.NONE, new Tracing().registry, "app");
		MDC.put("user.key", "kept");
		try {
			try (RunScope run = telemetry.run(claimed())) {
				try (StepScope step = telemetry.step("run-1", "fn", "greet")) {
					assertThat(MDC.getCopyOfContextMap()).containsEntry("fanout.step", "greet")
						.containsEntry("fanout.runId", "run-1");
				}
				assertThat(MDC.getCopyOfContextMap()).doesNotContainKey("fanout.step")
					.containsEntry("fanout.runId", "run-1");
			}
			assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys("user.key");
		}
		finally {
			MDC.remove("user.key");
		}
	}

	@Test
	void aRunThatNothingObservesHasNoScopeOfItsOwn() {
		Telemetry telemetry = Telemetry.NONE;
		try (RunScope one = telemetry.run(claimed()); RunScope two = telemetry.run(claimed())) {
			assertThat(one).isSameAs(two);
		}
		assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
	}

	private static ClaimedRun claimed() {
		Instant now = Instant.now();
		StoredEvent event = StoredEvent.of("seq-1", "event-1", "app/first", now).payload("{}", null);
		return new ClaimedRun("run-1", "fn", 1, 0, 0, 1, now, false, null, null, event, now);
	}

	static class Captures {

		final List<Map<String, String>> mdc = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		@EventFunction(id = "first", event = "app/first")
		void first(StepContext step) {
			step.run("greet", () -> capture());
			capture();
		}

		@EventFunction(id = "second", event = "app/second")
		void second(RunContext run) {
			capture();
		}

		private String capture() {
			this.mdc.add(MDC.getCopyOfContextMap());
			this.threads.add(Thread.currentThread().getName());
			return "captured";
		}

	}

}
