package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On PostgreSQL, a run sent by one instance starts on another at once, through
 * LISTEN/NOTIFY, not at the other's next poll; also after the listening connection was
 * dropped. Prints the send-to-start latency.
 */
class CrossInstanceWakeupTests {

	/** Far longer than any wake-up may take, so a poll cannot pass for one. */
	private static final Duration SLOW_POLL = Duration.ofSeconds(20);

	private static final int SENDS = 200;

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@Test
	void runSentByOneInstanceStartsOnAnotherAtOnce() {
		FreshDatabase db = this.fixture.database(TestDatabase.POSTGRESQL);
		TestEngine sender = this.fixture.start(db, EngineFixture.settings().toBuilder().workerEnabled(false).build());
		TestEngine worker = this.fixture.start(db, EngineFixture.settings().toBuilder().pollInterval(SLOW_POLL).build(),
				new Greeter());
		List<Duration> latencies = new ArrayList<>();
		for (int i = 0; i < SENDS; i++) {
			Instant sent = Instant.now();
			String runId = sender.send("app/greet", Map.of("n", i)).runIds().get(0);
			RunInfo run = worker.awaitRun(runId, RunStatus.COMPLETED);
			latencies.add(Duration.between(sent, run.startedAt()));
		}
		latencies.sort(null);
		Duration p50 = latencies.get(SENDS / 2);
		Duration p99 = latencies.get(SENDS * 99 / 100);
		System.out.printf("Send-to-start on another instance over LISTEN/NOTIFY, %d sends: p50 %.2f ms, p99 %.2f ms%n",
				SENDS, p50.toNanos() / 1e6, p99.toNanos() / 1e6);
		assertThat(p99).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void listenerReconnectsAfterItsConnectionIsDropped() {
		FreshDatabase db = this.fixture.database(TestDatabase.POSTGRESQL);
		TestEngine sender = this.fixture.start(db, EngineFixture.settings().toBuilder().workerEnabled(false).build());
		TestEngine worker = this.fixture.start(db, EngineFixture.settings().toBuilder().pollInterval(SLOW_POLL).build(),
				new Greeter());
		List<Integer> before = awaiting().until(() -> listeners(db), (pids) -> pids.size() == 1);
		db.jdbc()
			.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
					+ "WHERE datname = current_database() AND query LIKE 'LISTEN%'");
		// A new connection listens again (the dropped one may linger in the list a
		// moment).
		awaiting().until(() -> listeners(db), (pids) -> pids.size() == 1 && !pids.equals(before));
		Instant sent = Instant.now();
		String runId = sender.send("app/greet", Map.of("n", 1)).runIds().get(0);
		RunInfo run = worker.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(Duration.between(sent, run.startedAt())).isLessThan(Duration.ofSeconds(1));
	}

	private static List<Integer> listeners(FreshDatabase db) {
		return db.jdbc()
			.queryForList("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
					+ "AND query LIKE 'LISTEN%' AND state = 'idle'", Integer.class);
	}

	static class Greeter {

		@EventFunction(id = "greet", event = "app/greet")
		String greet(Map<String, Object> data, StepContext step) {
			return step.run("greet", () -> "hello " + data.get("n"));
		}

	}

}
