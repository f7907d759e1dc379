package dev.fanout.engine.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Concurrency;
import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.Intervals;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Concurrency}: at most the limit of a function's runs execute at once, per key
 * when it has one; a global key is shared by the functions that declare it; runs over the
 * limit wait queued and all complete; a key with a backlog does not hold up another; and
 * a sleeping run holds no slot.
 */
class ConcurrencyTests {

	private static final Duration WORK = Duration.ofMillis(40);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void runsOfAKeyNeverExceedTheLimitAndAllComplete(TestDatabase database) {
		Limited functions = new Limited();
		TestEngine engine = this.fixture.start(database, functions);
		List<String> runIds = sendAll(engine, "app/keyed", 24, (i) -> Map.of("k", "key-" + (i % 3)));
		runIds.forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		Map<String, Integer> most = functions.keyed.mostAtOnceByKey();
		assertThat(most).containsOnlyKeys("key-0", "key-1", "key-2");
		assertThat(most.values()).allSatisfy((atOnce) -> assertThat(atOnce).isLessThanOrEqualTo(2));
		// Eight threads and three keys: the limit, not the threads, held them back.
		assertThat(most.values()).contains(2);
		assertThat(functions.keyed.mostAtOnce()).isGreaterThan(2);
	}

	@OnEachDatabase
	void aFunctionWithoutKeyRunsOneAtATime(TestDatabase database) {
		Limited functions = new Limited();
		TestEngine engine = this.fixture.start(database, functions);
		List<String> runIds = sendAll(engine, "app/serial", 8, (i) -> Map.of("n", i));
		runIds.forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		assertThat(functions.serial.all()).hasSize(8);
		assertThat(functions.serial.mostAtOnce()).isEqualTo(1);
	}

	@OnEachDatabase
	void aGlobalKeyIsSharedByTheFunctionsThatDeclareIt(TestDatabase database) {
		Limited functions = new Limited();
		TestEngine engine = this.fixture.start(database, functions);
		List<String> runIds = sendAll(engine, "app/charge", 6, (i) -> Map.of("n", i));
		assertThat(runIds).hasSize(12);
		runIds.forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		assertThat(functions.stripe.all()).hasSize(12);
		assertThat(functions.stripe.mostAtOnce()).isEqualTo(1);
	}

	@OnEachDatabase
	void twoLimitsHoldTogether(TestDatabase database) {
		Limited functions = new Limited();
		TestEngine engine = this.fixture.start(database, functions);
		List<String> runIds = sendAll(engine, "app/double", 18, (i) -> Map.of("k", "key-" + (i % 6)));
		runIds.forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		assertThat(functions.doubled.mostAtOnceByKey().values()).allSatisfy((atOnce) -> assertThat(atOnce).isOne());
		assertThat(functions.doubled.mostAtOnce()).isEqualTo(3);
	}

	@OnEachDatabase
	void aKeyWithABacklogDoesNotHoldUpAnother(TestDatabase database) {
		Limited functions = new Limited();
		TestEngine engine = this.fixture.start(database, functions);
		List<String> hot = sendAll(engine, "app/keyed", 30, (i) -> Map.of("k", "hot"));
		String lone = engine.send("app/keyed", Map.of("k", "lone")).runIds().get(0);
		RunInfo loneRun = engine.awaitRun(lone, RunStatus.COMPLETED);
		Instant lastHotStart = hot.stream()
			.map((id) -> engine.awaitRun(id, RunStatus.COMPLETED).startedAt())
			.max(Instant::compareTo)
			.orElseThrow();
		// Thirty runs two at a time take 15 turns of WORK: the lone key went long before.
		assertThat(loneRun.endedAt()).isBefore(lastHotStart);
	}

	@OnEachDatabase
	void aSleepingRunHoldsNoSlot(TestDatabase database) {
		Limited functions = new Limited();
		TestEngine engine = this.fixture.start(database, functions);
		String sleeper = engine.send("app/nap", Map.of("millis", 1500)).runIds().get(0);
		engine.awaitStatus(sleeper, RunStatus.SLEEPING);
		String next = engine.send("app/nap", Map.of("millis", 0)).runIds().get(0);
		RunInfo nextRun = engine.awaitRun(next, RunStatus.COMPLETED);
		RunInfo sleeperRun = engine.awaitRun(sleeper, RunStatus.COMPLETED);
		assertThat(nextRun.endedAt()).isBefore(sleeperRun.endedAt());
	}

	@OnEachDatabase
	void runsQueuedOneByOneWhileClaimsDrainTheirGateAllStart(TestDatabase database) {
		Limited functions = new Limited();
		TestEngine engine = this.fixture.start(database, functions);
		// Each send opens a gate that a claim may be draining at that moment: a gate
		// left drained over a new run would leave that run queued for good.
		List<String> runIds = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			runIds.addAll(engine.send("app/quick", Map.of("k", "key-" + (i % 2))).runIds());
		}
		runIds.forEach((id) -> engine.awaitRun(id, RunStatus.COMPLETED));
		assertThat(functions.quick.all()).hasSize(300);
		assertThat(functions.quick.mostAtOnceByKey().values()).allSatisfy((atOnce) -> assertThat(atOnce).isOne());
	}

	static List<String> sendAll(TestEngine engine, String name, int count,
			java.util.function.IntFunction<Map<String, Object>> data) {
		List<Event> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(Event.of(name, data.apply(i)));
		}
		SendResult sent = engine.sender().sendAll(events);
		return sent.runIds();
	}

	static class Limited {

		final Intervals keyed = new Intervals();

		final Intervals serial = new Intervals();

		final Intervals stripe = new Intervals();

		final Intervals doubled = new Intervals();

		final Intervals quick = new Intervals();

		@EventFunction(id = "quick", event = "app/quick")
		@Concurrency(limit = 1, key = "event.data.k")
		void quick(Map<String, Object> data) {
			this.quick.record((String) data.get("k"), () -> null);
		}

		@EventFunction(id = "keyed", event = "app/keyed")
		@Concurrency(limit = 2, key = "event.data.k")
		void keyed(Map<String, Object> data) {
			this.keyed.work((String) data.get("k"), WORK);
		}

		@EventFunction(id = "serial", event = "app/serial")
		@Concurrency(limit = 1)
		void serial() {
			this.serial.work("all", WORK);
		}

		@EventFunction(id = "charge", event = "app/charge")
		@Concurrency(limit = 1, key = "'stripe'", scope = Concurrency.Scope.GLOBAL)
		void charge() {
			this.stripe.work("stripe", WORK);
		}

		@EventFunction(id = "refund", event = "app/charge")
		@Concurrency(limit = 1, key = "'stripe'", scope = Concurrency.Scope.GLOBAL)
		void refund() {
			this.stripe.work("stripe", WORK);
		}

		@EventFunction(id = "double", event = "app/double")
		@Concurrency(limit = 3)
		@Concurrency(limit = 1, key = "event.data.k")
		void doubled(Map<String, Object> data) {
			this.doubled.work((String) data.get("k"), WORK);
		}

		@EventFunction(id = "nap", event = "app/nap")
		@Concurrency(limit = 1)
		String nap(Map<String, Object> data, StepContext step) {
			step.sleep("nap", Duration.ofMillis(((Number) data.get("millis")).longValue()));
			return step.run("after", () -> "rested");
		}

	}

}
