package dev.fanout.engine.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RateLimit;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @RateLimit} (issue 18): at most {@code limit} runs per period per key; the
 * events over it make no run, are in no send's run ids, and are counted as skipped.
 */
class RateLimitTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void admitsTheLimitAtOnceThenRefusesUntilAnIntervalPasses(TestDatabase database) {
		Pinged pinged = new Pinged();
		TestEngine engine = this.fixture.start(database, pinged);
		Instant before = Instant.now();
		List<SendResult> burst = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			burst.add(engine.send("app/ping", Map.of("user", 1)));
		}
		// Two per two seconds: an interval of one second between runs after the burst.
		assertThat(burst).extracting((sent) -> sent.runIds().size()).containsExactly(1, 1, 0, 0);
		assertThat(engine.send("app/ping", Map.of("user", 2)).runIds()).as("another key has its own limit").hasSize(1);
		AtomicInteger refused = new AtomicInteger(2);
		String admitted = awaiting().until(() -> {
			List<String> runIds = engine.send("app/ping", Map.of("user", 1)).runIds();
			if (runIds.isEmpty()) {
				refused.incrementAndGet();
			}
			return runIds.isEmpty() ? null : runIds.get(0);
		}, (runId) -> runId != null);
		assertThat(Duration.between(before, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		engine.awaitRun(admitted, RunStatus.COMPLETED);
		assertThat(engine.awaitRunsOf("pinged", 4)).allMatch((run) -> run.status() == RunStatus.COMPLETED);
		assertThat(pinged.runs).hasValue(4);
		assertThat(engine.admin().skippedEvents())
			.isEqualTo(Map.of("pinged", Map.of("rate-limit", (long) refused.get())));
	}

	@OnEachDatabase
	void eventsOfOneSendCountAgainstTheLimitInTheirOrder(TestDatabase database) {
		Pinged pinged = new Pinged();
		TestEngine engine = this.fixture.start(database, pinged);
		List<Event> events = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			events.add(Event.of("app/ping", Map.of("user", 7)));
		}
		SendResult sent = engine.sender().sendAll(events);
		assertThat(sent.runIds()).hasSize(2);
		assertThat(engine.awaitRuns(sent)).extracting((run) -> run.eventId())
			.containsExactly(events.get(0).id(), events.get(1).id());
		assertThat(engine.admin().runsForEvent(events.get(2).id())).isEmpty();
		assertThat(engine.admin().skippedEvents()).isEqualTo(Map.of("pinged", Map.of("rate-limit", 3L)));
		assertThat(engine.database().count("fanout_flow_state")).isOne();
	}

	static class Pinged {

		final AtomicInteger runs = new AtomicInteger();

		@EventFunction(id = "pinged", event = "app/ping")
		@RateLimit(limit = 2, period = "2s", key = "event.data.user")
		void ping() {
			this.runs.incrementAndGet();
		}

	}

}
