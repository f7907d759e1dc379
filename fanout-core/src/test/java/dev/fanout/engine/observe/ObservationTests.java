package dev.fanout.engine.observe;

import java.time.Duration;
import java.util.Map;

import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.tracing.test.simple.SimpleSpan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The observations {@code fanout.send}, {@code fanout.run} and {@code fanout.step}
 * (observability issue): the send's trace context is stored with its event, so each run
 * of it continues the send's trace, on any instance and after a restart, and its executed
 * steps are its children; memoized steps are not observed again.
 */
class ObservationTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void aStepsSpanDescendsFromItsRunsAndTheRunsFromTheSend(TestDatabase database) {
		Tracing tracing = new Tracing();
		TestEngine engine = start(this.fixture.database(database), tracing);
		SendResult sent = tracing.inRequest(() -> engine.sender().send(Event.of("app/user.signup", Map.of("user", 1))));
		String runId = sent.runIds().get(0);
		engine.awaitRun(runId, RunStatus.COMPLETED);
		// Two invocations (before and after the sleep), each with the step it executed.
		awaiting()
			.until(() -> tracing.spans("fanout step").size() == 2 && tracing.spans("fanout run welcome").size() == 2);
		SimpleSpan send = tracing.spans("fanout send").get(0);
		assertThat(send.getTraceId()).isEqualTo(Tracing.TRACE_ID);
		assertThat(send.getSpanId()).isNotEmpty();
		assertThat(tracing.spans("fanout run welcome")).allSatisfy((run) -> {
			assertThat(run.getSpanId()).isNotEmpty();
			assertThat(run.getTraceId()).isEqualTo(send.getTraceId());
			assertThat(run.getParentId()).isEqualTo(send.getSpanId());
			assertThat(run.getTags()).containsEntry("fanout.run.id", runId)
				.containsEntry("fanout.function.id", "welcome");
		});
		assertThat(tracing.spans("fanout step")).allSatisfy((step) -> {
			assertThat(step.getTraceId()).isEqualTo(send.getTraceId());
			assertThat(tracing.spans("fanout run welcome")).extracting(SimpleSpan::getSpanId)
				.contains(step.getParentId());
		});
		assertThat(tracing.spans("fanout step")).extracting((step) -> step.getTags().get("fanout.step.key"))
			.containsExactly("render", "deliver");
		assertThat(engine.eventRows(sent.eventIds().get(0)).get(0).get("trace_context").toString())
			.contains(send.getTraceId());
		TestObservationRegistryAssert.assertThat(tracing.registry)
			.hasNumberOfObservationsWithNameEqualTo("fanout.send", 1)
			.hasObservationWithNameEqualTo("fanout.send")
			.that()
			.hasLowCardinalityKeyValue("fanout.event.source", "api")
			.backToTestObservationRegistry()
			.hasNumberOfObservationsWithNameEqualTo("fanout.run", 2)
			.hasNumberOfObservationsWithNameEqualTo("fanout.step", 2)
			.forAllObservationsWithNameEqualTo("fanout.run",
					(run) -> run.hasLowCardinalityKeyValue("fanout.function.id", "welcome")
						.hasLowCardinalityKeyValue("fanout.application.id", "test")
						.hasHighCardinalityKeyValue("fanout.run.id", runId)
						.doesNotHaveLowCardinalityKeyValueWithKey("fanout.run.id")
						.doesNotHaveLowCardinalityKeyValueWithKey("fanout.event.id")
						.doesNotHaveError())
			.forAllObservationsWithNameEqualTo("fanout.step",
					(step) -> step.hasLowCardinalityKeyValue("fanout.function.id", "welcome")
						.hasLowCardinalityKeyValue("fanout.step.outcome", "success")
						.doesNotHaveLowCardinalityKeyValueWithKey("fanout.step.key"));
	}

	@OnEachDatabase
	void aSendStoresNoTraceContextWhenNothingObserves(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Signup());
		SendResult sent = engine.send("app/user.signup", Map.of("user", 1));
		engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(engine.eventRows(sent.eventIds().get(0)).get(0).get("trace_context")).isNull();
	}

	@Test
	void aRunResumedByAnotherEngineAfterARestartContinuesTheSendsTrace() {
		FreshDatabase database = this.fixture.database(TestDatabase.POSTGRESQL);
		Tracing before = new Tracing();
		TestEngine first = start(database, before);
		SendResult sent = before.inRequest(() -> first.sender().send(Event.of("app/user.signup", Map.of("user", 1))));
		String runId = sent.runIds().get(0);
		first.awaitStatus(runId, RunStatus.SLEEPING);
		first.stop();
		SimpleSpan send = before.spans("fanout send").get(0);
		assertThat(send.getTraceId()).isEqualTo(Tracing.TRACE_ID);
		Tracing after = new Tracing();
		TestEngine second = start(database, after);
		second.awaitRun(runId, RunStatus.COMPLETED);
		awaiting().until(() -> after.spans("fanout step").size() == 1);
		SimpleSpan resumed = after.spans("fanout run welcome").get(0);
		assertThat(resumed.getTraceId()).isEqualTo(Tracing.TRACE_ID);
		assertThat(resumed.getParentId()).isEqualTo(send.getSpanId());
		SimpleSpan step = after.spans("fanout step").get(0);
		assertThat(step.getTags()).containsEntry("fanout.step.key", "deliver");
		assertThat(step.getParentId()).isEqualTo(resumed.getSpanId()).isNotEmpty();
		assertThat(step.getTraceId()).isEqualTo(send.getTraceId());
	}

	private TestEngine start(FreshDatabase database, Tracing tracing) {
		return this.fixture.start(database, database.dataSource(), EngineFixture.settings(),
				(builder) -> builder.observationRegistry(tracing.registry), new Signup());
	}

	static class Signup {

		@EventFunction(id = "welcome", event = "app/user.signup")
		void welcome(StepContext step) {
			step.run("render", () -> "hello");
			step.sleep("pause", Duration.ofMillis(300));
			step.run("deliver", () -> "sent");
		}

	}

}
