package dev.fanout.engine;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredStep;
import dev.fanout.store.jdbc.JdbcRunStore;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No poison runs: a run that no attempt can get through is failed, rather than claimed
 * again and again on every instance: one whose trigger cannot be read, one that was
 * claimed more than its retries + 1 times in a row without recording anything (the
 * process running it died each time), one whose output is too large to store, and one
 * whose end the writer failed to record.
 */
class PoisonRunTests {

	private static final String GHOST = "ghost:crashed-instance";

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void aTriggerThatCannotBeReadFailsTheRunAtOnce(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Packer packer = new Packer();
		String runId = queueAnOrder(db, packer);
		db.jdbc()
			.update("UPDATE fanout_events SET data = ? WHERE seq = (SELECT event_seq FROM fanout_runs WHERE id = ?)",
					"{not json", runId);
		TestEngine worker = this.fixture.start(db, EngineFixture.settings(), packer);
		RunInfo run = worker.awaitRun(runId);
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isOne();
		assertThat(run.error()).startsWith("dev.fanout.NonRetriableException: The run's trigger cannot be read: ");
		assertThat(packer.packed).hasValue(0);
	}

	@OnEachDatabase
	void aRunClaimedMoreThanItsRetriesPlusOneTimesWithoutRecordingAnythingFails(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Packer packer = new Packer();
		String runId = queueAnOrder(db, packer);
		RunStore ghost = ghost(db);
		// retries = 1: two claims by an instance that died each time, without a trace.
		for (int i = 0; i < 2; i++) {
			assertThat(claimAndDie(db, ghost)).extracting(ClaimedRun::id).containsExactly(runId);
		}
		TestEngine worker = this.fixture.start(db, EngineFixture.settings(), packer);
		RunInfo run = worker.awaitRun(runId);
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(run.error()).isEqualTo("dev.fanout.NonRetriableException: The run was claimed 3 times in a row "
				+ "without recording a step or an outcome: the process may have crashed while running it (a JVM that "
				+ "exited or was killed), or its outcome could not be written");
		assertThat(packer.packed).as("not invoked again").hasValue(0);
	}

	@OnEachDatabase
	void claimsThatEachRecordedAStepAreNotPoison(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Packer packer = new Packer();
		String runId = queueAnOrder(db, packer);
		RunStore ghost = ghost(db);
		for (int i = 0; i < 3; i++) {
			claimAndDie(db, ghost);
			Instant now = Instant.now();
			StoredStep step = StoredStep.of("label:" + i, i, now).completed("\"label\"", String.class.getName(), now);
			Boolean saved = db.transactionTemplate().execute((status) -> ghost.saveStep(runId, GHOST, step));
			assertThat(saved).isTrue();
		}
		TestEngine worker = this.fixture.start(db, EngineFixture.settings(), packer);
		RunInfo run = worker.awaitRun(runId);
		assertThat(run.status()).as(run.toString()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(4);
	}

	@OnEachDatabase
	void anOutputOverTheLimitFailsTheRunWithoutARetry(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		TestEngine engine = this.fixture.start(db, EngineFixture.settings().toBuilder().maxRunOutputSize(1000).build(),
				new Packer());
		RunInfo run = engine.awaitRun(engine.send("app/report.requested", Map.of("size", 2000)).runIds().get(0));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isOne();
		assertThat(run.error()).isEqualTo("dev.fanout.NonRetriableException: The function's return value is 2002 "
				+ "bytes as JSON, over the limit of 1000 bytes (fanout.limits.max-run-output-size)");
		assertThat(run.output()).isNull();
		RunInfo small = engine.awaitRun(engine.send("app/report.requested", Map.of("size", 900)).runIds().get(0));
		assertThat(small.status()).isEqualTo(RunStatus.COMPLETED);
	}

	@OnEachDatabase
	void aRunWhoseEndTheWriterFailsToRecordIsHandedBackAndEndsOnItsNextClaim(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Packer packer = new Packer();
		Observer observer = new Observer();
		FailingOnce serializer = new FailingOnce();
		TestEngine engine = this.fixture.start(db, EngineFixture.settings(), serializer, packer, observer);
		String runId = engine.send("app/order.placed", Map.of("order", 7)).runIds().get(0);
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(serializer.failures).as("the end's write failed once").hasValue(1);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(packer.packed).as("its step ran once: the first attempt recorded it").hasValue(1);
		TestEngine.awaiting().until(() -> observer.seen.get() == 1);
		String other = engine.send("app/order.placed", Map.of("order", 8)).runIds().get(0);
		assertThat(engine.awaitRun(other).status()).as("the writer goes on").isEqualTo(RunStatus.COMPLETED);
	}

	/** A run of {@code pack-order}, queued by an instance that runs nothing. */
	private String queueAnOrder(FreshDatabase db, Packer packer) {
		TestEngine sender = this.fixture.start(db, idle(), packer);
		return sender.send("app/order.placed", Map.of("order", 7)).runIds().get(0);
	}

	/** The store as an instance of the same application sees it. */
	private static RunStore ghost(FreshDatabase db) {
		return JdbcRunStore.create(db.dataSource(), "fanout_", "test");
	}

	/** A claim by an instance that then dies: its lease is over at once. */
	private static List<ClaimedRun> claimAndDie(FreshDatabase db, RunStore ghost) {
		Instant now = Instant.now();
		return db.transactionTemplate()
			.execute((status) -> ghost.claim(GHOST, List.of("pack-order"), 10, now, now.minusSeconds(1)));
	}

	private static EngineSettings idle() {
		return EngineFixture.settings().toBuilder().workerEnabled(false).build();
	}

	static class Packer {

		final AtomicInteger packed = new AtomicInteger();

		@EventFunction(id = "pack-order", event = "app/order.placed", retries = 1)
		String pack(Map<String, Object> order, StepContext step) {
			return step.run("box", () -> {
				this.packed.incrementAndGet();
				return "box for " + order.get("order");
			});
		}

		@EventFunction(id = "report", event = "app/report.requested")
		String report(Map<String, Object> request) {
			return "x".repeat((Integer) request.get("size"));
		}

	}

	static class Observer {

		final AtomicInteger seen = new AtomicInteger();

		@EventFunction(id = "observe", event = "fanout/function.finished",
				filter = "event.data.function_id == 'pack-order'")
		void observe() {
			this.seen.incrementAndGet();
		}

	}

	/**
	 * Runs out of memory, once, where the writer serializes the outcome event of a run of
	 * {@code pack-order}.
	 */
	static final class FailingOnce implements PayloadSerializer {

		private final PayloadSerializer json = new JacksonPayloadSerializer();

		final AtomicInteger failures = new AtomicInteger();

		@Override
		public String serialize(@Nullable Object value) {
			if (value instanceof Map<?, ?> map && "pack-order".equals(map.get("function_id"))
					&& map.containsKey("run_id") && this.failures.compareAndSet(0, 1)) {
				throw new OutOfMemoryError("injected: the writer ran out of memory");
			}
			return this.json.serialize(value);
		}

		@Override
		public @Nullable Object deserialize(String json, Type type) {
			return this.json.deserialize(json, type);
		}

		@Override
		public @Nullable Object convert(@Nullable Object value, Type type) {
			return this.json.convert(value, type);
		}

	}

}
