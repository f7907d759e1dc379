package dev.fanout.engine.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.Throttle;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.engine.flow.ConcurrencyTests.sendAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Throttle}: run starts are spaced by period / limit, a burst may start at once,
 * runs over the rate are delayed, never dropped, per key apart, and replays are throttled
 * too.
 */
class ThrottleTests {

	/** Five a second: one start every 200 ms. */
	private static final Duration INTERVAL = Duration.ofMillis(200);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void startsAreSpacedByTheInterval(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Throttled());
		List<String> runIds = sendAll(engine, "app/mail", 6, (i) -> Map.of("n", i));
		List<Instant> starts = starts(engine, runIds);
		assertSpaced(starts, 1);
		// Delayed, not dropped: all six ran, and the last no sooner than five intervals.
		assertThat(Duration.between(starts.get(0), starts.get(5))).isGreaterThanOrEqualTo(INTERVAL.multipliedBy(5));
	}

	@OnEachDatabase
	void aBurstStartsAtOnceThenTheRestAreSpaced(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Throttled());
		List<String> runIds = sendAll(engine, "app/burst", 6, (i) -> Map.of("n", i));
		List<Instant> starts = starts(engine, runIds);
		assertThat(Duration.between(starts.get(0), starts.get(2))).isLessThan(INTERVAL);
		assertSpaced(starts, 3);
	}

	@OnEachDatabase
	void keysAreThrottledApart(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Throttled());
		List<String> runIds = sendAll(engine, "app/keyed-mail", 6, (i) -> Map.of("to", "user-" + (i % 3)));
		List<RunInfo> runs = runIds.stream().map((id) -> engine.awaitRun(id, RunStatus.COMPLETED)).toList();
		Instant first = runs.stream().map(RunInfo::startedAt).min(Instant::compareTo).orElseThrow();
		Instant last = runs.stream().map(RunInfo::startedAt).max(Instant::compareTo).orElseThrow();
		// Two starts per key, three keys: the second of each key one interval on.
		assertThat(Duration.between(first, last)).isLessThan(INTERVAL.multipliedBy(3));
		for (int key = 0; key < 3; key++) {
			int k = key;
			assertSpaced(runs.stream()
				.filter((run) -> runIds.indexOf(run.runId()) % 3 == k)
				.map(RunInfo::startedAt)
				.sorted()
				.toList(), 1);
		}
	}

	@OnEachDatabase
	void aReplayIsThrottled(TestDatabase database) {
		Throttled functions = new Throttled();
		functions.failing.set(true);
		TestEngine engine = this.fixture.start(database, functions);
		List<String> failed = sendAll(engine, "app/flaky-mail", 4, (i) -> Map.of("n", i));
		failed.forEach((id) -> engine.awaitRun(id, RunStatus.FAILED));
		functions.failing.set(false);
		// A fresh replay makes new runs, and leaves the failed ones to resume after.
		for (ReplayMode mode : List.of(ReplayMode.FRESH, ReplayMode.RESUME)) {
			List<String> replayed = engine.admin()
				.replay(ReplayRequest.builder().function("flaky-mail").status(RunStatus.FAILED).mode(mode).build())
				.runIds();
			assertThat(replayed).hasSize(4);
			assertSpaced(starts(engine, replayed), 1);
		}
	}

	/** The start of each run, once it completed, in order. */
	private static List<Instant> starts(TestEngine engine, List<String> runIds) {
		return runIds.stream().map((id) -> engine.awaitRun(id, RunStatus.COMPLETED).startedAt()).sorted().toList();
	}

	/**
	 * The GCRA bound: after a burst, any two starts are at least an interval apart for
	 * each start between them.
	 */
	private static void assertSpaced(List<Instant> starts, int burst) {
		for (int i = burst; i < starts.size(); i++) {
			Duration gap = Duration.between(starts.get(i - burst), starts.get(i));
			assertThat(gap).as("start %d after start %d", i, i - burst).isGreaterThanOrEqualTo(INTERVAL);
		}
	}

	static class Throttled {

		final AtomicBoolean failing = new AtomicBoolean();

		@EventFunction(id = "mail", event = "app/mail")
		@Throttle(limit = 5, period = "1s")
		void mail() {
		}

		@EventFunction(id = "burst", event = "app/burst")
		@Throttle(limit = 5, period = "1s", burst = 3)
		void burst() {
		}

		@EventFunction(id = "keyed-mail", event = "app/keyed-mail")
		@Throttle(limit = 5, period = "1s", key = "event.data.to")
		void keyed() {
		}

		@EventFunction(id = "flaky-mail", event = "app/flaky-mail", retries = 0)
		@Throttle(limit = 5, period = "1s")
		void flaky() {
			if (this.failing.get()) {
				throw new IllegalStateException("mail provider down");
			}
		}

	}

}
