package dev.fanout.engine.observe;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.Idempotency;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the engine reports to {@code FanoutMetrics} (observability issue): each fact once,
 * after it committed: events sent by source, runs created, each attempt's start with its
 * time in the queue, each run's end with its status, each step attempt's outcome, and the
 * runs that flow control skipped with their reason.
 */
class MetricsTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void reportsAFanOutToTwoFunctionsOneOfWhichFailsAfterItsRetries(TestDatabase database) {
		RecordingMetrics metrics = new RecordingMetrics();
		TestEngine engine = start(database, metrics, new Signup());
		SendResult sent = engine.sender().send(Event.of("app/user.signup", Map.of("user", 1)));
		Map<String, RunInfo> runs = engine.awaitRunsByFunction(sent);
		assertThat(runs.get("welcome").status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(runs.get("trial").status()).isEqualTo(RunStatus.FAILED);
		engine.awaitRunsOf("alert", 1);
		// Ends are reported once their commit is done, on the writer's thread.
		awaiting().until(() -> metrics.of("runEnded").size() == 3);
		assertThat(metrics.said("eventsSent")).containsExactlyInAnyOrder("api x1", "system x1");
		assertThat(metrics.said("runsCreated")).containsExactlyInAnyOrder("welcome x1", "trial x1", "alert x1");
		assertThat(metrics.said("runStarted")).containsExactlyInAnyOrder("welcome x1", "trial x1", "trial x1",
				"alert x1");
		assertThat(metrics.of("runStarted"))
			.allSatisfy((call) -> assertThat(call.duration()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO));
		assertThat(metrics.said("runEnded")).containsExactlyInAnyOrder("welcome COMPLETED x1", "trial FAILED x1",
				"alert COMPLETED x1");
		assertThat(metrics.of("runEnded"))
			.allSatisfy((call) -> assertThat(call.duration()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO));
		assertThat(metrics.said("stepEnded")).containsExactlyInAnyOrder("welcome completed x1", "trial retried x1",
				"trial failed x1");
		assertThat(metrics.of("stepEnded"))
			.allSatisfy((call) -> assertThat(call.duration()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO));
		assertThat(metrics.of("runsSkipped")).isEmpty();
	}

	@OnEachDatabase
	void reportsTheRunsThatFlowControlSkippedWithTheirReason(TestDatabase database) {
		RecordingMetrics metrics = new RecordingMetrics();
		TestEngine engine = start(database, metrics, new Charges());
		SendResult first = engine.send("app/charge", Map.of("order", 7));
		SendResult again = engine.send("app/charge", Map.of("order", 7));
		engine.awaitRuns(first);
		assertThat(again.runIds()).isEmpty();
		assertThat(metrics.said("runsSkipped")).containsExactly("charge idempotency x1");
		assertThat(metrics.said("runsCreated")).containsExactly("charge x1");
		assertThat(metrics.said("eventsSent")).containsExactly("api x1", "api x1");
	}

	@OnEachDatabase
	void reportsNothingForAnEventSeenBefore(TestDatabase database) {
		RecordingMetrics metrics = new RecordingMetrics();
		TestEngine engine = start(database, metrics, new Charges());
		Event event = Event.of("app/other", Map.of());
		engine.sender().send(event);
		engine.sender().send(event);
		assertThat(metrics.said("eventsSent")).containsExactly("api x1");
		assertThat(metrics.of("runsCreated")).isEmpty();
	}

	private TestEngine start(TestDatabase database, RecordingMetrics metrics, Object... beans) {
		FreshDatabase db = this.fixture.database(database);
		return this.fixture.start(db, db.dataSource(), EngineFixture.settings(), (builder) -> builder.metrics(metrics),
				beans);
	}

	static class Signup {

		@EventFunction(id = "welcome", event = "app/user.signup")
		void welcome(StepContext step) {
			step.run("send-email", () -> "sent");
		}

		@EventFunction(id = "trial", event = "app/user.signup", retries = 1)
		void trial(StepContext step) {
			step.run("create-customer", () -> {
				throw new IllegalStateException("Stripe is down");
			});
		}

		@EventFunction(id = "alert", event = SystemEvents.FUNCTION_FAILED)
		void alert() {
		}

	}

	static class Charges {

		@EventFunction(id = "charge", event = "app/charge")
		@Idempotency(key = "event.data.order", period = "1h")
		void charge() {
		}

	}

}
