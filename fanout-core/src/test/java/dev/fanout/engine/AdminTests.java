package dev.fanout.engine;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
import dev.fanout.ReplayResult;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code FanoutAdmin.runs} and {@code replay}: listing with filters and a stable cursor,
 * replaying failed runs afresh or from where they failed, once per request, paced.
 */
class AdminTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void listsRunsNewestFirstByFunctionStatusAndEventWithAStableCursor(TestDatabase database) {
		Invoices invoices = new Invoices();
		TestEngine engine = this.fixture.start(database, invoices);
		invoices.outage.set(true);
		List<String> failed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			failed.add(engine.awaitRun(invoice(engine, i), RunStatus.FAILED).runId());
		}
		invoices.outage.set(false);
		String completed = engine.awaitRun(invoice(engine, 5), RunStatus.COMPLETED).runId();
		RunQuery.Builder failures = RunQuery.builder().function("send-invoice").status(RunStatus.FAILED).limit(2);
		List<RunInfo> first = engine.admin().runs(failures.build());
		assertThat(first).extracting(RunInfo::runId).containsExactly(failed.get(4), failed.get(3));
		assertThat(first.get(0).steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("render", StepStatus.COMPLETED), tuple("deliver", StepStatus.FAILED));
		// A run that fails between two pages does not shift the next page.
		invoices.outage.set(true);
		engine.awaitRun(invoice(engine, 6), RunStatus.FAILED);
		List<RunInfo> second = engine.admin().runs(failures.cursor(first.get(1).runId()).build());
		assertThat(second).extracting(RunInfo::runId).containsExactly(failed.get(2), failed.get(1));
		List<RunInfo> last = engine.admin().runs(failures.cursor(second.get(1).runId()).build());
		assertThat(last).extracting(RunInfo::runId).containsExactly(failed.get(0));
		assertThat(engine.admin().runs(RunQuery.builder().status(RunStatus.COMPLETED, RunStatus.CANCELLED).build()))
			.extracting(RunInfo::runId)
			.containsExactly(completed);
		RunInfo one = engine.admin().run(failed.get(2)).orElseThrow();
		assertThat(engine.admin().runs(RunQuery.builder().eventId(one.eventId()).build())).extracting(RunInfo::runId)
			.containsExactly(one.runId());
		assertThat(engine.admin()
			.runs(RunQuery.builder()
				.from(engine.admin().run(failed.get(1)).orElseThrow().createdAt())
				.to(one.createdAt())
				.build()))
			.extracting(RunInfo::runId)
			.containsExactly(failed.get(1));
		assertThat(engine.admin().runs(RunQuery.builder().function("no-such-function").build())).isEmpty();
	}

	@OnEachDatabase
	void readsTheStatusesOfManyRunsAtOnceLeavingOutUnknownIds(TestDatabase database) {
		Invoices invoices = new Invoices();
		TestEngine engine = this.fixture.start(database, invoices);
		invoices.outage.set(true);
		String failed = engine.awaitRun(invoice(engine, 1), RunStatus.FAILED).runId();
		invoices.outage.set(false);
		String completed = engine.awaitRun(invoice(engine, 2), RunStatus.COMPLETED).runId();
		assertThat(engine.admin().statuses(List.of(completed, "no-such-run", failed)))
			.containsOnly(entry(completed, RunStatus.COMPLETED), entry(failed, RunStatus.FAILED));
		assertThat(engine.admin().statuses(List.of())).isEmpty();
	}

	@OnEachDatabase
	void freshReplayRunsEveryStepAgainFromTheOriginalEvent(TestDatabase database) {
		Invoices invoices = new Invoices();
		TestEngine engine = this.fixture.start(database, invoices);
		List<String> failed = failInvoices(engine, invoices, 3);
		ReplayResult replay = engine.admin().replay(ReplayRequest.builder().function("send-invoice").build());
		assertThat(replay.runIds()).hasSize(3).doesNotContainAnyElementsOf(failed);
		for (int i = 0; i < 3; i++) {
			RunInfo original = engine.admin().run(failed.get(i)).orElseThrow();
			RunInfo again = engine.awaitRun(replay.runIds().get(i), RunStatus.COMPLETED);
			assertThat(again.eventId()).isEqualTo(original.eventId());
			assertThat(again.steps()).extracting(StepInfo::key, StepInfo::attempts)
				.containsExactly(tuple("render", 1), tuple("deliver", 1));
			assertThat(original.status()).isEqualTo(RunStatus.FAILED);
		}
		// Every step ran again: render three more times, deliver once each.
		assertThat(invoices.renders).hasValue(6);
		assertThat(invoices.delivered).hasSize(3);
	}

	@OnEachDatabase
	void resumeReplayKeepsCompletedStepsAndRunsOnlyTheFailedOnesAgain(TestDatabase database) {
		Invoices invoices = new Invoices();
		TestEngine engine = this.fixture.start(database, invoices);
		List<String> failed = failInvoices(engine, invoices, 3);
		ReplayResult replay = engine.admin()
			.replay(ReplayRequest.builder().function("send-invoice").mode(ReplayMode.RESUME).build());
		assertThat(replay.runIds()).containsExactlyElementsOf(failed);
		for (String runId : failed) {
			RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
			assertThat(run.error()).isNull();
			assertThat(run.output()).isEqualTo("\"delivered\"");
			assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
				.containsExactly(tuple("render", StepStatus.COMPLETED, 1), tuple("deliver", StepStatus.COMPLETED, 1));
		}
		assertThat(invoices.renders).hasValue(3);
		assertThat(invoices.delivered).hasSize(3);
	}

	@OnEachDatabase
	void sameReplayRequestTwiceReplaysOnce(TestDatabase database) throws Exception {
		Invoices invoices = new Invoices();
		TestEngine engine = this.fixture.start(database, invoices);
		failInvoices(engine, invoices, 2);
		ReplayRequest request = ReplayRequest.builder().id("replay-1").function("send-invoice").build();
		ExecutorService twice = Executors.newFixedThreadPool(2);
		try {
			Callable<ReplayResult> replay = () -> engine.admin().replay(request);
			Future<ReplayResult> one = twice.submit(replay);
			Future<ReplayResult> other = twice.submit(replay);
			assertThat(one.get().runIds()).hasSize(2).isEqualTo(other.get().runIds());
		}
		finally {
			twice.shutdownNow();
		}
		assertThat(engine.admin().replay(request).runIds()).hasSize(2);
		awaiting().until(() -> invoices.delivered.size() == 2);
		assertThat(engine.admin().runs(RunQuery.builder().function("send-invoice").build())).hasSize(4);
	}

	@OnEachDatabase
	void replayedRunsAreDueOneAfterTheOtherAtTheReplayRate(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Invoices invoices = new Invoices();
		TestEngine worker = this.fixture.start(db, EngineFixture.settings(), invoices);
		failInvoices(worker, invoices, 4);
		worker.stop();
		TestEngine admin = this.fixture.start(db, EngineFixture.settings().toBuilder().workerEnabled(false).build(),
				invoices);
		List<String> replayed = admin.admin()
			.replay(ReplayRequest.builder().function("send-invoice").mode(ReplayMode.RESUME).build())
			.runIds();
		List<Instant> dues = new ArrayList<>();
		for (String runId : replayed) {
			dues.add(admin.database()
				.jdbc()
				.queryForObject("SELECT due_at FROM fanout_runs WHERE id = ?", Timestamp.class, runId)
				.toInstant());
		}
		// The default rate, 50 runs a second: one every 20 ms.
		for (int i = 1; i < dues.size(); i++) {
			assertThat(Duration.between(dues.get(i - 1), dues.get(i))).isEqualTo(Duration.ofMillis(20));
		}
	}

	@OnEachDatabase
	void replayOfAFunctionOfAnotherApplicationIsRejected(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Invoices());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> engine.admin().replay(ReplayRequest.builder().function("send-receipt").build()))
			.withMessage("No function 'send-receipt' in this application: only its own functions' runs can be "
					+ "replayed here");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplayRequest.builder().function("send-invoice").status(RunStatus.RUNNING).build())
			.withMessage("Only FAILED, CANCELLED or COMPLETED runs can be replayed, not RUNNING ones");
	}

	private static List<String> failInvoices(TestEngine engine, Invoices invoices, int count) {
		invoices.outage.set(true);
		List<String> failed = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			failed.add(engine.awaitRun(invoice(engine, i), RunStatus.FAILED).runId());
		}
		invoices.outage.set(false);
		return failed;
	}

	private static String invoice(TestEngine engine, int number) {
		return engine.send("app/invoice.created", Map.of("number", number)).runIds().get(0);
	}

	static class Invoices {

		final AtomicBoolean outage = new AtomicBoolean();

		final AtomicInteger renders = new AtomicInteger();

		final Map<Integer, String> delivered = new ConcurrentHashMap<>();

		@EventFunction(id = "send-invoice", event = "app/invoice.created", retries = 0)
		String send(Map<String, Object> data, StepContext step) {
			int number = ((Number) data.get("number")).intValue();
			String pdf = step.run("render", () -> {
				this.renders.incrementAndGet();
				return "invoice-" + number + ".pdf";
			});
			step.run("deliver", () -> {
				if (this.outage.get()) {
					throw new IllegalStateException("mail provider down");
				}
				this.delivered.put(number, pdf);
			});
			return "delivered";
		}

	}

}
