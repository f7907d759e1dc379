package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.RetryAfterException;
import dev.fanout.RunContext;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Steps: memoized outputs, per-step retries, loop keys, and the ways a step or a function
 * fails without retries.
 */
class StepTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void retriesFailingStepAndKeepsEarlierOutputs(TestDatabase database) {
		ImportFunction function = new ImportFunction();
		TestEngine engine = this.fixture.start(database, function);
		RunInfo run = engine.awaitRun(send(engine, "app/import.requested"), RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"file-1:42\"");
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(function.downloads).hasValue(1);
		assertThat(function.parses).hasValue(3);
		assertThat(function.attemptsSeen).containsExactly(0, 1, 2);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts, StepInfo::output)
			.containsExactly(tuple("download", StepStatus.COMPLETED, 1, "\"file-1\""),
					tuple("parse", StepStatus.COMPLETED, 3, "42"));
		assertThat(run.steps().get(1).error()).isEqualTo("java.lang.IllegalStateException: parser busy");
	}

	@OnEachDatabase
	void keysRepeatsOfAStepIdByTheirCountAndReplaysThemInOrder(TestDatabase database) {
		LoopFunction function = new LoopFunction();
		TestEngine engine = this.fixture.start(database, function);
		RunInfo run = engine.awaitRun(send(engine, "app/batch.received"), RunStatus.COMPLETED);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::output)
			.containsExactly(tuple("item", "\"A\""), tuple("item:1", "\"B\""), tuple("item:2", "\"C\""),
					tuple("finish", "\"A,B,C\""));
		assertThat(run.output()).isEqualTo("\"A,B,C\"");
		assertThat(function.items).hasValue(3);
		assertThat(run.attempts()).isEqualTo(2);
	}

	@OnEachDatabase
	void nestedStepFailsTheRunWithAClearError(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new NestingFunction());
		RunInfo run = engine.awaitRun(send(engine, "app/nested"), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).contains("Step 'inner' was called inside step 'outer'").contains("nested");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("outer", StepStatus.FAILED, 1));
	}

	@OnEachDatabase
	void nonRetriableExceptionFailsTheRunAfterOneAttempt(TestDatabase database) {
		FailingFunctions functions = new FailingFunctions();
		TestEngine engine = this.fixture.start(database, functions);
		RunInfo run = engine.awaitRun(send(engine, "app/coupon.applied"), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).contains("NonRetriableException: invalid coupon");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("validate", StepStatus.FAILED, 1));
		assertThat(functions.validations).hasValue(1);
	}

	@OnEachDatabase
	void noRetryForExceptionFailsTheRunAfterOneAttempt(TestDatabase database) {
		FailingFunctions functions = new FailingFunctions();
		TestEngine engine = this.fixture.start(database, functions);
		RunInfo run = engine.awaitRun(send(engine, "app/address.changed"), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).contains("IllegalArgumentException: no such street");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("geocode", StepStatus.FAILED, 1));
		assertThat(functions.geocodes).hasValue(1);
	}

	@OnEachDatabase
	void noRetryForMatchesTheCauseOfAWrappedException(TestDatabase database) {
		FailingFunctions functions = new FailingFunctions();
		TestEngine engine = this.fixture.start(database, functions);
		RunInfo run = engine.awaitRun(send(engine, "app/address.imported"), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.steps()).extracting(StepInfo::attempts).containsExactly(1);
	}

	@OnEachDatabase
	void functionCatchingStepFailedExceptionGoesOnAndCompletes(TestDatabase database) {
		FallbackFunction function = new FallbackFunction();
		TestEngine engine = this.fixture.start(database, function);
		RunInfo run = engine.awaitRun(send(engine, "app/payment.due"), RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"invoiced after charge failed\"");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("charge", StepStatus.FAILED, 2), tuple("send-invoice", StepStatus.COMPLETED, 1));
		assertThat(function.charges).hasValue(2);
		assertThat(function.caught).singleElement().satisfies((ex) -> {
			assertThat(ex.stepKey()).isEqualTo("charge");
			assertThat(ex).hasMessageContaining("gateway down").hasCauseInstanceOf(IllegalStateException.class);
		});
	}

	@OnEachDatabase
	void stepFailedExceptionNotCaughtFailsTheRunWithoutFunctionLevelRetries(TestDatabase database) {
		FailingFunctions functions = new FailingFunctions();
		TestEngine engine = this.fixture.start(database, functions);
		RunInfo run = engine.awaitRun(send(engine, "app/coupon.applied"), RunStatus.FAILED);
		assertThat(run.error()).startsWith("dev.fanout.StepFailedException: Step 'validate' failed");
		assertThat(run.attempts()).isEqualTo(1);
	}

	@OnEachDatabase
	void retryAfterExceptionDelaysTheNextAttempt(TestDatabase database) {
		RateLimitedFunction function = new RateLimitedFunction();
		TestEngine engine = this.fixture.start(database, function);
		RunInfo run = engine.awaitRun(send(engine, "app/sync.requested"), RunStatus.COMPLETED);
		assertThat(function.calls).hasSize(2);
		long gapMillis = (function.calls.get(1) - function.calls.get(0)) / 1_000_000;
		assertThat(gapMillis).isBetween(400L, 5000L);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::attempts).containsExactly(tuple("call-api", 2));
	}

	@OnEachDatabase
	void failureOutsideStepsIsRetriedWithTheSameLimit(TestDatabase database) {
		FailingFunctions functions = new FailingFunctions();
		TestEngine engine = this.fixture.start(database, functions);
		RunInfo run = engine.awaitRun(send(engine, "app/config.loaded"), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(run.error()).isEqualTo("java.lang.IllegalStateException: config missing");
		assertThat(run.steps()).isEmpty();
		assertThat(functions.configLoads).hasValue(3);
	}

	@OnEachDatabase
	void nonRetriableExceptionOutsideStepsFailsTheRunAtOnce(TestDatabase database) {
		FailingFunctions functions = new FailingFunctions();
		TestEngine engine = this.fixture.start(database, functions);
		RunInfo run = engine.awaitRun(send(engine, "app/account.closed"), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).isEqualTo("dev.fanout.NonRetriableException: account is gone");
	}

	@OnEachDatabase
	void retryAfterExceptionOutsideStepsDelaysTheNextAttempt(TestDatabase database) {
		RateLimitedFunction function = new RateLimitedFunction();
		TestEngine engine = this.fixture.start(database, function);
		RunInfo run = engine.awaitRun(send(engine, "app/quota.checked"), RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(function.calls).hasSize(2);
		assertThat((function.calls.get(1) - function.calls.get(0)) / 1_000_000).isBetween(400L, 5000L);
	}

	@OnEachDatabase
	void failureOutsideStepsResumesWithCompletedStepsMemoized(TestDatabase database) {
		FailingFunctions functions = new FailingFunctions();
		TestEngine engine = this.fixture.start(database, functions);
		RunInfo run = engine.awaitRun(send(engine, "app/report.requested"), RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.output()).isEqualTo("\"report 7\"");
		assertThat(functions.queries).hasValue(1);
	}

	@OnEachDatabase
	void eachStepIsCommittedBeforeTheNextAndTheLastWithTheRunsEnd(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		CommitWatcher function = new CommitWatcher(db.jdbc());
		TestEngine engine = this.fixture.start(db, EngineFixture.settings(), function);
		RunInfo run = engine.awaitRun(send(engine, "app/commits.watched"), RunStatus.COMPLETED);
		assertThat(function.committedBeforeSecond).containsExactly("first");
		assertThat(function.committedBeforeEnd).containsExactly("first");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::output)
			.containsExactly(tuple("first", StepStatus.COMPLETED, "1"), tuple("second", StepStatus.COMPLETED, "2"));
		assertThat(run.output()).isEqualTo("3");
	}

	@OnEachDatabase
	void errorWithControlCharactersIsRecorded(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new FailingFunctions());
		RunInfo run = engine.awaitRun(send(engine, "app/binary.parsed"), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.error()).contains("unexpected byte \\u0000 at offset 3");
		assertThat(run.steps()).singleElement().satisfies((step) -> {
			assertThat(step.attempts()).isEqualTo(2);
			assertThat(step.error()).isEqualTo("java.lang.IllegalStateException: unexpected byte \\u0000 at offset 3");
		});
	}

	@OnEachDatabase
	void stepOutputOverTheLimitFailsTheStep(TestDatabase database) {
		LimitedFunctions limits = new LimitedFunctions();
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().maxStepOutputSize(100).maxStepsPerRun(3).build(), limits);
		RunInfo big = engine.awaitRun(send(engine, "app/big.output"), RunStatus.FAILED);
		assertThat(big.attempts()).isEqualTo(1);
		assertThat(big.error()).contains("over the limit of 100 bytes");
		assertThat(big.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("big", StepStatus.FAILED));
		RunInfo many = engine.awaitRun(send(engine, "app/many.steps"), RunStatus.FAILED);
		assertThat(many.attempts()).isEqualTo(1);
		assertThat(many.error()).contains("more than 3 steps");
		assertThat(many.steps()).hasSize(3);
	}

	private static String send(TestEngine engine, String name) {
		SendResult sent = engine.send(name, Map.of());
		assertThat(sent.runIds()).hasSize(1);
		return sent.runIds().get(0);
	}

	/**
	 * Reads, from a connection of its own, which steps of its run are committed: before
	 * its second step's body, and after its last step.
	 */
	static class CommitWatcher {

		private final JdbcTemplate jdbc;

		final List<String> committedBeforeSecond = new CopyOnWriteArrayList<>();

		final List<String> committedBeforeEnd = new CopyOnWriteArrayList<>();

		CommitWatcher(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@EventFunction(id = "watch-commits", event = "app/commits.watched", retries = 0)
		int watch(StepContext step) {
			int first = step.run("first", () -> 1);
			int second = step.run("second", () -> {
				this.committedBeforeSecond.addAll(committed());
				return 2;
			});
			this.committedBeforeEnd.addAll(committed());
			return first + second;
		}

		private List<String> committed() {
			return this.jdbc.queryForList("SELECT step_key FROM fanout_steps ORDER BY position", String.class);
		}

	}

	static class ImportFunction {

		final AtomicInteger downloads = new AtomicInteger();

		final AtomicInteger parses = new AtomicInteger();

		final List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();

		@EventFunction(id = "import", event = "app/import.requested")
		String importFile(StepContext step, RunContext run) {
			String file = step.run("download", () -> {
				this.downloads.incrementAndGet();
				return "file-1";
			});
			this.attemptsSeen.add(run.attempt());
			int rows = step.run("parse", () -> {
				if (this.parses.incrementAndGet() < 3) {
					throw new IllegalStateException("parser busy");
				}
				return 42;
			});
			return file + ":" + rows;
		}

	}

	static class LoopFunction {

		final AtomicInteger items = new AtomicInteger();

		final AtomicInteger finishes = new AtomicInteger();

		@EventFunction(id = "loop", event = "app/batch.received")
		String loop(StepContext step) {
			StringBuilder out = new StringBuilder();
			for (String item : List.of("a", "b", "c")) {
				String upper = step.run("item", () -> {
					this.items.incrementAndGet();
					return item.toUpperCase();
				});
				out.append((out.length() > 0) ? "," : "").append(upper);
			}
			return step.run("finish", () -> {
				if (this.finishes.incrementAndGet() == 1) {
					throw new IllegalStateException("retry once");
				}
				return out.toString();
			});
		}

	}

	static class NestingFunction {

		@EventFunction(id = "nesting", event = "app/nested")
		String nest(StepContext step) {
			return step.run("outer", () -> step.run("inner", () -> "never"));
		}

	}

	static class FailingFunctions {

		final AtomicInteger validations = new AtomicInteger();

		final AtomicInteger geocodes = new AtomicInteger();

		final AtomicInteger configLoads = new AtomicInteger();

		final AtomicInteger queries = new AtomicInteger();

		final AtomicInteger renders = new AtomicInteger();

		@EventFunction(id = "apply-coupon", event = "app/coupon.applied")
		void applyCoupon(StepContext step) {
			step.run("validate", () -> {
				this.validations.incrementAndGet();
				throw new NonRetriableException("invalid coupon");
			});
		}

		@EventFunction(id = "geocode", event = { "app/address.changed", "app/address.imported" },
				noRetryFor = IllegalArgumentException.class)
		void geocode(StepContext step, Event event) {
			step.run("geocode", () -> {
				this.geocodes.incrementAndGet();
				IllegalArgumentException error = new IllegalArgumentException("no such street");
				throw event.name().endsWith("imported") ? new IllegalStateException("import failed", error) : error;
			});
		}

		@EventFunction(id = "load-config", event = "app/config.loaded", retries = 2)
		void loadConfig() {
			this.configLoads.incrementAndGet();
			throw new IllegalStateException("config missing");
		}

		@EventFunction(id = "parse-binary", event = "app/binary.parsed", retries = 1)
		void parseBinary(StepContext step) {
			step.run("parse", () -> {
				throw new IllegalStateException("unexpected byte \u0000 at offset 3");
			});
		}

		@EventFunction(id = "close-account", event = "app/account.closed")
		void closeAccount() {
			throw new NonRetriableException("account is gone");
		}

		@EventFunction(id = "render-report", event = "app/report.requested")
		String renderReport(StepContext step) {
			int rows = step.run("query", () -> {
				this.queries.incrementAndGet();
				return 7;
			});
			if (this.renders.incrementAndGet() == 1) {
				throw new IllegalStateException("template cache cold");
			}
			return "report " + rows;
		}

	}

	static class FallbackFunction {

		final AtomicInteger charges = new AtomicInteger();

		final List<StepFailedException> caught = new CopyOnWriteArrayList<>();

		@EventFunction(id = "collect-payment", event = "app/payment.due", retries = 1)
		String collect(StepContext step) {
			try {
				step.run("charge", () -> {
					this.charges.incrementAndGet();
					throw new IllegalStateException("gateway down");
				});
				return "charged";
			}
			catch (StepFailedException ex) {
				this.caught.add(ex);
				return step.run("send-invoice", () -> "invoiced after " + ex.stepKey() + " failed");
			}
		}

	}

	static class RateLimitedFunction {

		final List<Long> calls = new CopyOnWriteArrayList<>();

		@EventFunction(id = "sync-api", event = "app/sync.requested")
		String sync(StepContext step) {
			return step.run("call-api", () -> {
				this.calls.add(System.nanoTime());
				if (this.calls.size() == 1) {
					throw new RetryAfterException("429 Too Many Requests", Duration.ofMillis(400));
				}
				return "synced";
			});
		}

		@EventFunction(id = "check-quota", event = "app/quota.checked")
		void checkQuota() {
			this.calls.add(System.nanoTime());
			if (this.calls.size() == 1) {
				throw new RetryAfterException("quota exceeded", Instant.now().plusMillis(400));
			}
		}

	}

	static class LimitedFunctions {

		@EventFunction(id = "big-output", event = "app/big.output")
		String big(StepContext step) {
			return step.run("big", () -> "x".repeat(200));
		}

		@EventFunction(id = "many-steps", event = "app/many.steps")
		void many(StepContext step) {
			for (int i = 0; i < 5; i++) {
				step.run("step", () -> "ok");
			}
		}

	}

}
