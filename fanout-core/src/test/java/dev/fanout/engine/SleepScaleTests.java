package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many sleeping runs on a few threads: sleeping holds no thread, so 2,000 runs sleep at
 * once on a pool of 4 and all resume on time.
 */
class SleepScaleTests {

	private static final int RUNS = 2_000;

	private static final int THREADS = 4;

	private static final Duration ASLEEP_WITHIN = Duration.ofSeconds(10);

	/**
	 * How late a run may resume: enough for 2,000 resumes on 4 threads of 2 busy cores.
	 */
	private static final Duration RESUMED_WITHIN = Duration.ofSeconds(5);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void twoThousandSleepingRunsOnFourThreadsAllResumeOnTime(TestDatabase database) {
		Sleepers sleepers = new Sleepers();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().concurrency(THREADS).pollInterval(Duration.ofSeconds(5)).build(),
				sleepers);
		// Time for all runs to fall asleep, then dues spread over three seconds.
		Instant firstDue = Instant.now().truncatedTo(ChronoUnit.MILLIS).plus(ASLEEP_WITHIN);
		List<Event> events = new ArrayList<>();
		for (int i = 0; i < RUNS; i++) {
			events.add(Event.of("app/nap", Map.of("until", firstDue.plusMillis(i % 30 * 100).toString())));
		}
		SendResult sent = engine.sender().sendAll(events);
		assertThat(sent.runIds()).hasSize(RUNS);
		awaiting().atMost(ASLEEP_WITHIN)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> count(engine, RunStatus.SLEEPING) == RUNS && engine.engine().worker().activeRuns() == 0);
		awaiting().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> count(engine, RunStatus.COMPLETED) == RUNS);
		// Every run slept (each was invoked twice: once to fall asleep, once to resume)
		// ...
		Integer attempts = engine.database()
			.jdbc()
			.queryForObject("SELECT SUM(attempts) FROM fanout_runs", Integer.class);
		assertThat(attempts).isEqualTo(2 * RUNS);
		// ... and was resumed soon after its due time, on the pool's threads only.
		assertThat(sleepers.lags).hasSize(RUNS)
			.allSatisfy((runId, lag) -> assertThat(lag).isBetween(Duration.ZERO, RESUMED_WITHIN));
		assertThat(sleepers.maxRunning.get()).isBetween(1, THREADS);
	}

	private static int count(TestEngine engine, RunStatus status) {
		Integer count = engine.database()
			.jdbc()
			.queryForObject("SELECT COUNT(*) FROM fanout_runs WHERE status = ?", Integer.class, status.name());
		return (count != null) ? count : 0;
	}

	static class Sleepers {

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger maxRunning = new AtomicInteger();

		final Map<String, Duration> lags = new ConcurrentHashMap<>();

		@EventFunction(id = "nap", event = "app/nap")
		void nap(Map<String, Object> data, StepContext step, RunContext run) {
			this.maxRunning.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			try {
				Instant until = Instant.parse((String) data.get("until"));
				step.sleepUntil("nap", until);
				this.lags.putIfAbsent(run.runId(), Duration.between(until, Instant.now()));
			}
			finally {
				this.running.decrementAndGet();
			}
		}

	}

}
