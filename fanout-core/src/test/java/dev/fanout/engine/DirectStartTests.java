package dev.fanout.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.dao.DataIntegrityViolationException;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.engine.worker.Worker;
import dev.fanout.testsupport.DisconnectableDataSource;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A send that finds the local worker with threads free inserts its runs already started
 * there and hands them over when it commits; what does not fit is queued as before, and a
 * send that rolls back gives the threads back.
 */
class DirectStartTests {

	/** Long enough that only a direct hand-off or a local wake-up can start a run. */
	private static final Duration SLOW_POLL = Duration.ofSeconds(30);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void aSendWithFreeThreadsCommitsItsRunsAlreadyStarted(TestDatabase database) {
		Gate gate = new Gate(1);
		TestEngine engine = startSettled(this.fixture.database(database),
				EngineFixture.settings().toBuilder().pollInterval(SLOW_POLL).build(), gate);
		String runId = sendStartedAtCommit(engine);
		gate.open.countDown();
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.output()).isEqualTo("\"passed\"");
	}

	@OnEachDatabase
	void runsBeyondTheFreeThreadsAreQueuedAndClaimedWhenThreadsFree(TestDatabase database) {
		Gate gate = new Gate(1);
		TestEngine engine = startSettled(this.fixture.database(database),
				EngineFixture.settings().toBuilder().concurrency(2).pollInterval(SLOW_POLL).build(), gate);
		List<Event> events = IntStream.range(0, 5).mapToObj((i) -> Event.of("app/gated", Map.of("n", i))).toList();
		SendResult sent = engine.sender().sendAll(events);
		List<RunInfo> atCommit = sent.runIds().stream().map((id) -> engine.admin().run(id).orElseThrow()).toList();
		assertThat(atCommit).extracting(RunInfo::status)
			.containsExactly(RunStatus.RUNNING, RunStatus.RUNNING, RunStatus.QUEUED, RunStatus.QUEUED,
					RunStatus.QUEUED);
		gate.open.countDown();
		assertThat(engine.awaitRuns(sent)).allSatisfy((run) -> {
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.attempts()).isEqualTo(1);
		});
	}

	@OnEachDatabase
	void aSendThatFailsLeavesNoRunAndGivesItsThreadsBack(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Gate gate = new Gate(2);
		TestEngine engine = startSettled(db,
				EngineFixture.settings().toBuilder().concurrency(2).pollInterval(SLOW_POLL).build(), gate);
		gate.open.countDown();
		int runsBefore = db.count("fanout_runs");
		// Fails the insert, after the send reserved both threads for its runs.
		db.jdbc().execute("ALTER TABLE fanout_events ADD CONSTRAINT no_poison CHECK (name <> 'app/poison')");
		List<Event> poison = List.of(Event.of("app/poison", Map.of()), Event.of("app/poison", Map.of()));
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> engine.sender().sendAll(poison));
		assertThat(db.count("fanout_runs")).isEqualTo(runsBefore);
		// Each run waits for the other: both complete only if both threads are free.
		SendResult sent = engine.sender()
			.sendAll(List.of(Event.of("app/paired", Map.of()), Event.of("app/paired", Map.of())));
		assertThat(engine.awaitRuns(sent)).allSatisfy((run) -> {
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.startedAt()).isEqualTo(run.createdAt());
		});
	}

	@OnEachDatabase
	void aSendInTheCallersTransactionQueuesItsRuns(TestDatabase database) {
		Gate gate = new Gate(1);
		TestEngine engine = startSettled(this.fixture.database(database),
				EngineFixture.settings().toBuilder().pollInterval(SLOW_POLL).build(), gate);
		gate.open.countDown();
		SendResult sent = engine.database()
			.transactionTemplate()
			.execute((status) -> engine.send("app/gated", Map.of()));
		RunInfo run = engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.startedAt()).isAfter(run.createdAt());
	}

	@OnEachDatabase
	void aRunItsSendStartedIsTakenOverWhenItsInstanceIsCutOff(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Gate gate = new Gate(1);
		DisconnectableDataSource firstConnection = new DisconnectableDataSource(db.dataSource());
		EngineSettings settings = EngineFixture.settings().toBuilder().leaseDuration(Duration.ofSeconds(1)).build();
		TestEngine first = startSettled(db, firstConnection, settings.toBuilder().pollInterval(SLOW_POLL).build(),
				gate);
		String runId = sendStartedAtCommit(first);
		awaiting().until(() -> gate.entered.get() == 1);
		// Its heartbeat fails from now on, and the lease it got from its send runs out.
		firstConnection.disconnect();
		TestEngine second = this.fixture.start(db, settings, gate);
		gate.open.countDown();
		RunInfo run = second.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.output()).isEqualTo("\"passed\"");
	}

	@OnEachDatabase
	void aStoppedWorkerTakesNoRunFromASend(TestDatabase database) {
		Gate gate = new Gate(1);
		TestEngine engine = this.fixture.start(this.fixture.database(database), EngineFixture.settings(), gate);
		engine.stop();
		String runId = engine.send("app/gated", Map.of()).runIds().get(0);
		RunInfo queued = engine.admin().run(runId).orElseThrow();
		assertThat(queued.status()).isEqualTo(RunStatus.QUEUED);
		assertThat(queued.startedAt()).isNull();
		assertThat(engine.engine().worker().activeRuns()).isZero();
	}

	/**
	 * Send an event of the gated function and check that its run was committed already
	 * started, on its first attempt.
	 * @return the run's id
	 */
	private static String sendStartedAtCommit(TestEngine engine) {
		String runId = engine.send("app/gated", Map.of()).runIds().get(0);
		// Read at once: a claim would find the run queued first.
		RunInfo atCommit = engine.admin().run(runId).orElseThrow();
		assertThat(atCommit.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(atCommit.attempts()).isEqualTo(1);
		assertThat(atCommit.startedAt()).isEqualTo(atCommit.createdAt());
		return runId;
	}

	/**
	 * Start an engine, then wait until nothing is left to wake its dispatcher, whose
	 * passes hold the free threads while they claim: the wake-up of its start, that of
	 * its listener's connection (PostgreSQL), and those of runs queued meanwhile, which a
	 * send announces. A run its send started directly ends without waking it, and the
	 * poll is far off.
	 */
	private TestEngine startSettled(FreshDatabase database, EngineSettings settings, Gate gate) {
		return startSettled(database, database.dataSource(), settings, gate);
	}

	private TestEngine startSettled(FreshDatabase database, DataSource dataSource, EngineSettings settings, Gate gate) {
		TestEngine engine = this.fixture.start(database, dataSource, settings, gate);
		Worker worker = engine.engine().worker();
		awaiting().until(() -> !worker.isListening() || worker.listenerDisconnectedSince() == null);
		awaiting().until(() -> {
			RunInfo run = engine.awaitRun(engine.send("app/noop", Map.of()).runIds().get(0), RunStatus.COMPLETED);
			return run.startedAt().equals(run.createdAt());
		});
		return engine;
	}

	static class Gate {

		final CountDownLatch open = new CountDownLatch(1);

		final AtomicInteger entered = new AtomicInteger();

		final CyclicBarrier pairs;

		Gate(int parties) {
			this.pairs = new CyclicBarrier(parties);
		}

		@EventFunction(id = "gated", event = "app/gated")
		String gated(StepContext step) {
			return step.run("pass", () -> {
				this.entered.incrementAndGet();
				if (!this.open.await(TestEngine.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					throw new IllegalStateException("the gate never opened");
				}
				return "passed";
			});
		}

		@EventFunction(id = "noop", event = "app/noop")
		void noop() {
		}

		@EventFunction(id = "poisoned", event = "app/poison")
		void poisoned() {
		}

		@EventFunction(id = "paired", event = "app/paired")
		String paired(StepContext step) {
			return step.run("meet", () -> {
				try {
					this.pairs.await(5, TimeUnit.SECONDS);
				}
				catch (BrokenBarrierException | TimeoutException ex) {
					throw new IllegalStateException("the other run never came", ex);
				}
				return "met";
			});
		}

	}

}
