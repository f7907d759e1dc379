package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Durable sleeps and delayed events: a sleeping run holds no thread, and a scheduler (not
 * the poll) resumes it on time, on this or another instance.
 */
class SleepTests {

	/** Much longer than any sleep here, so that a poll cannot be what resumes a run. */
	private static final Duration SLOW_POLL = Duration.ofSeconds(5);

	/** How late a run may resume on an idle instance. */
	private static final Duration ON_TIME = Duration.ofMillis(100);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void sleepingRunHoldsNoThreadAndResumesOnTime(TestDatabase database) {
		Napper napper = new Napper();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().pollInterval(SLOW_POLL).build(), napper);
		String runId = engine.send("app/nap", Map.of("millis", 800)).runIds().get(0);
		RunInfo sleeping = engine.awaitStatus(runId, RunStatus.SLEEPING);
		// The run gives its thread back while it waits.
		awaiting().until(() -> engine.engine().worker().activeRuns() == 0);
		assertThat(sleeping.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("before", StepStatus.COMPLETED), tuple("nap", StepStatus.SLEEPING));
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		Instant due = dueOf(run, "nap");
		assertThat(Duration.between(run.startedAt(), due)).isBetween(Duration.ofMillis(800), Duration.ofMillis(900));
		assertThat(napper.resumedAt.get(runId)).isBetween(due, due.plus(ON_TIME));
		assertThat(run.output()).isEqualTo("\"rested\"");
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("before", StepStatus.COMPLETED), tuple("nap", StepStatus.COMPLETED),
					tuple("after", StepStatus.COMPLETED));
		assertThat(napper.befores).hasValue(1);
	}

	@OnEachDatabase
	void sleepUntilResumesOnAnotherEngineAfterARestart(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Napper napper = new Napper();
		EngineSettings settings = EngineFixture.settings().toBuilder().pollInterval(SLOW_POLL).build();
		TestEngine first = this.fixture.start(db, settings, napper);
		Instant until = Instant.now().plusMillis(1500);
		String runId = first.send("app/nap.until", Map.of("until", until.toString())).runIds().get(0);
		first.awaitStatus(runId, RunStatus.SLEEPING);
		first.stop();
		TestEngine second = this.fixture.start(db, settings, napper);
		RunInfo run = second.awaitRun(runId, RunStatus.COMPLETED);
		// Stored times keep microseconds.
		Instant due = dueOf(run, "nap");
		assertThat(due).isEqualTo(until.truncatedTo(ChronoUnit.MICROS));
		assertThat(napper.resumedAt.get(runId)).isBetween(due, due.plus(ON_TIME));
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(napper.befores).hasValue(1);
	}

	@OnEachDatabase
	void sleepUntilAPastTimeGoesOnWithoutPausing(TestDatabase database) {
		Napper napper = new Napper();
		TestEngine engine = this.fixture.start(database, napper);
		String until = Instant.now().minusSeconds(60).toString();
		RunInfo run = engine.awaitRun(engine.send("app/nap.until", Map.of("until", until)).runIds().get(0),
				RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::output)
			.containsExactly(tuple("before", StepStatus.COMPLETED, "1"),
					tuple("nap", StepStatus.COMPLETED, "\"" + until + "\""),
					tuple("after", StepStatus.COMPLETED, "\"rested\""));
	}

	@OnEachDatabase
	void sleepLongerThanAYearFailsTheRunWithAClearError(TestDatabase database) {
		Napper napper = new Napper();
		TestEngine engine = this.fixture.start(database, napper);
		RunInfo sleep = engine.awaitRun(
				engine.send("app/nap", Map.of("millis", Duration.ofDays(400).toMillis())).runIds().get(0),
				RunStatus.FAILED);
		String until = Instant.now().plus(Duration.ofDays(400)).toString();
		RunInfo sleepUntil = engine.awaitRun(engine.send("app/nap.until", Map.of("until", until)).runIds().get(0),
				RunStatus.FAILED);
		assertThat(sleep.error()).contains("sleep 'nap' is PT9600H long; the longest pause is one year");
		assertThat(sleepUntil.error()).contains("sleepUntil 'nap' is").contains("the longest pause is one year");
		assertThat(sleep.attempts()).isEqualTo(1);
		assertThat(sleepUntil.attempts()).isEqualTo(1);
		assertThat(napper.resumedAt).isEmpty();
	}

	@OnEachDatabase
	void eventWithAFutureTimestampStartsItsRunsAtThatTime(TestDatabase database) {
		Napper napper = new Napper();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().pollInterval(SLOW_POLL).build(), napper);
		Instant ts = Instant.now().plusMillis(800);
		SendResult sent = engine.sender().send(Event.builder("app/later").ts(ts).build());
		assertThat(sent.runIds()).hasSize(2);
		assertThat(sent.runIds().stream().map((id) -> engine.admin().run(id).orElseThrow().status()))
			.containsOnly(RunStatus.QUEUED);
		// The run gives its thread back while it waits.
		awaiting().until(() -> engine.engine().worker().activeRuns() == 0);
		assertThat(engine.awaitRuns(sent)).allSatisfy((run) -> {
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.attempts()).isEqualTo(1);
			assertThat(run.startedAt()).isBetween(ts, ts.plus(ON_TIME));
		});
	}

	private static Instant dueOf(RunInfo run, String stepKey) {
		StepInfo step = run.steps().stream().filter((s) -> s.key().equals(stepKey)).findFirst().orElseThrow();
		return Instant.parse(step.output().replace("\"", ""));
	}

	static class Napper {

		final AtomicInteger befores = new AtomicInteger();

		final Map<String, Instant> resumedAt = new ConcurrentHashMap<>();

		@EventFunction(id = "nap", event = "app/nap")
		String nap(Map<String, Object> data, StepContext step, RunContext run) {
			step.run("before", this.befores::incrementAndGet);
			step.sleep("nap", Duration.ofMillis(((Number) data.get("millis")).longValue()));
			this.resumedAt.putIfAbsent(run.runId(), Instant.now());
			return step.run("after", () -> "rested");
		}

		@EventFunction(id = "nap-until", event = "app/nap.until")
		String napUntil(Map<String, Object> data, StepContext step, RunContext run) {
			step.run("before", this.befores::incrementAndGet);
			step.sleepUntil("nap", Instant.parse((String) data.get("until")));
			this.resumedAt.putIfAbsent(run.runId(), Instant.now());
			return step.run("after", () -> "rested");
		}

		@EventFunction(id = "later-a", event = "app/later")
		void laterA() {
		}

		@EventFunction(id = "later-b", event = "app/later")
		void laterB() {
		}

	}

}
