package dev.fanout.engine.flow;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.Idempotency;
import dev.fanout.RateLimit;
import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
import dev.fanout.RunStatus;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays re-run chosen runs on purpose: a rate limit or an idempotency key that would
 * skip a new event of the same key does not skip them.
 */
class ReplayFlowTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void aReplayIsNotSkippedByTheControlsOfItsSend(TestDatabase database) {
		Charges charges = new Charges();
		TestEngine engine = this.fixture.start(database, charges);
		String failed = engine.send("app/charge", Map.of("orderId", 7)).runIds().get(0);
		engine.awaitRun(failed, RunStatus.FAILED);
		assertThat(engine.send("app/charge", Map.of("orderId", 7)).runIds()).as("the key is used").isEmpty();
		charges.failing.set(false);
		for (ReplayMode mode : List.of(ReplayMode.FRESH, ReplayMode.RESUME)) {
			List<String> replayed = engine.admin()
				.replay(ReplayRequest.builder().function("charge").status(RunStatus.FAILED).mode(mode).build())
				.runIds();
			assertThat(replayed).as("%s replay", mode).hasSize(1);
			engine.awaitRun(replayed.get(0), RunStatus.COMPLETED);
		}
		assertThat(charges.charged).containsExactly(7, 7);
		assertThat(engine.admin().skippedEvents()).isEqualTo(Map.of("charge", Map.of("idempotency", 1L)));
	}

	static class Charges {

		final AtomicBoolean failing = new AtomicBoolean(true);

		final List<Integer> charged = new CopyOnWriteArrayList<>();

		@EventFunction(id = "charge", event = "app/charge", retries = 0)
		@Idempotency(key = "event.data.orderId", period = "1h")
		@RateLimit(limit = 1, period = "1h", key = "event.data.orderId")
		void charge(Map<String, Object> data) {
			if (this.failing.get()) {
				throw new IllegalStateException("The payment provider is down");
			}
			this.charged.add(((Number) data.get("orderId")).intValue());
		}

	}

}
