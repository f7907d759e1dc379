package dev.fanout.engine.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Batch;
import dev.fanout.Debounce;
import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.Idempotency;
import dev.fanout.RateLimit;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.Singleton;
import dev.fanout.engine.operations.RetentionCleaner;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.MutableClock;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state rows of the controls decided at enqueue do not pile up (issue 18): retention
 * deletes each once it says nothing any more, and a batch's events with its run.
 */
class FlowStateRetentionTests {

	private static final Instant T0 = Instant.parse("2036-01-01T00:00:00Z");

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void deletesStateRowsOnceSpentAndBatchEventsWithTheirRuns(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		MutableClock clock = new MutableClock(T0);
		TestEngine engine = this.fixture.start(db, EngineFixture.settings(), clock, new Controlled());
		SendResult sent = engine.sender()
			.sendAll(List.of(Event.of("app/a", Map.of()), Event.of("app/b", Map.of()), Event.of("app/b", Map.of())));
		assertThat(sent.runIds()).hasSize(5);
		engine.awaitRun(runOf(engine, "once"), RunStatus.COMPLETED);
		engine.awaitRun(runOf(engine, "limited"), RunStatus.COMPLETED);
		engine.awaitRun(runOf(engine, "alone"), RunStatus.COMPLETED);
		assertThat(keys(db)).containsExactly("b:test/batched:", "d:test/settled:", "i:test/once:x", "r:test/limited:",
				"s:test/alone:");
		// Only the singleton's row says nothing: the rate limit and the idempotency key
		// have their times ahead, the debounce and the batch their runs to come.
		assertThat(retention(engine).clean().flowStates()).isOne();

		clock.advance(Duration.ofHours(2));
		engine.awaitRun(runOf(engine, "settled"), RunStatus.COMPLETED);
		engine.awaitRun(runOf(engine, "batched"), RunStatus.COMPLETED);
		assertThat(db.count("fanout_batch_events")).isEqualTo(2);
		assertThat(retention(engine).clean().flowStates()).isEqualTo(4);
		assertThat(db.count("fanout_flow_state")).isZero();

		clock.advance(Duration.ofDays(8));
		RetentionCleaner.Cleaned cleaned = retention(engine).clean();
		assertThat(cleaned.runs()).isEqualTo(5);
		assertThat(cleaned.events()).isEqualTo(3);
		assertThat(db.count("fanout_batch_events")).isZero();
	}

	private static String runOf(TestEngine engine, String functionId) {
		return engine.runIdsOf(functionId).get(0);
	}

	private static List<String> keys(FreshDatabase db) {
		return db.jdbc().queryForList("SELECT state_key FROM fanout_flow_state ORDER BY state_key", String.class);
	}

	private static RetentionCleaner retention(TestEngine engine) {
		return engine.engine().retention();
	}

	static class Controlled {

		@EventFunction(id = "limited", event = "app/a")
		@RateLimit(limit = 5, period = "1h")
		void limited() {
		}

		@EventFunction(id = "once", event = "app/a")
		@Idempotency(key = "'x'", period = "1h")
		void once() {
		}

		@EventFunction(id = "alone", event = "app/a")
		@Singleton
		void alone() {
		}

		@EventFunction(id = "settled", event = "app/a")
		@Debounce(period = "1m")
		void settled() {
		}

		@EventFunction(id = "batched", event = "app/b")
		@Batch(maxSize = 10, timeout = "1m")
		void batched() {
		}

	}

}
