package dev.fanout.engine;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepStatus;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wait's look-back over a long history of its event name holds no lock while it reads:
 * sends of that name go on meanwhile.
 */
class LookBackTests {

	private static final int HISTORY = 100_000;

	/** Generous: a send that waited for the look-back would take seconds. */
	private static final Duration SEND_BOUND = Duration.ofSeconds(1);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void aLookBackOverALongHistoryDoesNotHoldUpSendsOfTheName(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Watcher watcher = new Watcher();
		TestEngine engine = this.fixture.start(db, EngineFixture.settings(), watcher);
		String runId = engine.send("app/watch.started", Map.of()).runIds().get(0);
		awaiting().until(() -> watcher.armed.getCount() == 0);
		storeHistory(db);
		List<Long> sends = new CopyOnWriteArrayList<>();
		AtomicBoolean looking = new AtomicBoolean(true);
		CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
			while (looking.get()) {
				long start = System.nanoTime();
				engine.send("app/tick", Map.of("n", -2));
				sends.add(System.nanoTime() - start);
				// A steady trickle of sends, not a flood that would take the look-back's
				// CPU.
				LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
			}
		});
		long start = System.nanoTime();
		watcher.release.countDown();
		awaiting().atMost(Duration.ofMinutes(1))
			.until(() -> engine.admin().run(runId).orElseThrow().status() == RunStatus.WAITING);
		Duration lookBack = Duration.ofNanos(System.nanoTime() - start);
		looking.set(false);
		sender.join();
		Duration slowest = Duration.ofNanos(sends.stream().mapToLong(Long::longValue).max().orElse(0));
		System.out.printf(
				"%s: look-back over %d events took %d ms; %d sends of the name meanwhile, the slowest " + "%d ms%n",
				database, HISTORY, lookBack.toMillis(), sends.size(), slowest.toMillis());
		assertThat(sends).as("sends went on during the look-back").hasSizeGreaterThan(2);
		assertThat(slowest).isLessThan(SEND_BOUND);
		assertThat(engine.admin().run(runId).orElseThrow().steps().get(1).status()).isEqualTo(StepStatus.WAITING);
	}

	/**
	 * Events of the awaited name, stored after the run started, a hundred per receive
	 * time as sends of a hundred would store them; none matches.
	 */
	private static void storeHistory(FreshDatabase db) {
		Timestamp now = Timestamp.from(Instant.now());
		boolean postgres = db.kind() == TestDatabase.POSTGRESQL;
		String numbers = postgres ? "generate_series(1, ?) AS g (x)" : "SYSTEM_RANGE(1, ?) AS g (x)";
		String receivedAt = postgres ? "CAST(? AS timestamptz) + (x / 100) * INTERVAL '1 millisecond'"
				: "DATEADD(MILLISECOND, x / 100, CAST(? AS TIMESTAMP WITH TIME ZONE))";
		db.jdbc()
			.update("INSERT INTO fanout_events (seq, id, name, data, user_data, ts, v, received_at, duplicate) "
					+ "SELECT LPAD(CAST(x AS VARCHAR(26)), 26, '0'), CONCAT('history-', x), 'app/tick', "
					+ "CONCAT('{\"n\":', x, '}'), NULL, ?, NULL, " + receivedAt + ", FALSE FROM " + numbers, now, now,
					HISTORY);
	}

	static class Watcher {

		final CountDownLatch armed = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@EventFunction(id = "watch", event = "app/watch.started")
		void watch(StepContext step) {
			step.run("arm", () -> {
				this.armed.countDown();
				this.release.await();
			});
			step.waitForEvent("tick", "app/tick", Duration.ofHours(1), "async.data.n == -1");
		}

	}

}
