package dev.fanout.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.RetryAfterException;
import dev.fanout.RunContext;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The tester runs steps with the engine's semantics: memoized outputs replayed on every
 * invocation from the top, loop keys, per-step retries with the function's settings,
 * failures that are not retried, failures outside steps, and nesting.
 */
class StepSemanticsTests {

	@Test
	void retriesFailingStepByInvokingTheFunctionAgainAndReplaysEarlierSteps() {
		ImportFunction function = new ImportFunction(2);

		FunctionRun run = FunctionTester.of(function).event("app/import.requested", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("file-1:42");
		assertThat(run.outputJson()).isEqualTo("\"file-1:42\"");
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(function.downloads).hasValue(1);
		assertThat(function.parses).hasValue(3);
		assertThat(function.bodyRuns).as("code outside steps runs on each invocation").hasValue(3);
		assertThat(function.attemptsSeen).containsExactly(0, 1, 2);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts, StepInfo::output)
			.containsExactly(tuple("download", StepStatus.COMPLETED, 1, "\"file-1\""),
					tuple("parse", StepStatus.COMPLETED, 3, "42"));
		assertThat(run.step("parse").error()).as("the last failed attempt's error, as the engine keeps it")
			.isEqualTo("java.lang.IllegalStateException: parser busy");
		assertThat(run.stepCalls("parse")).extracting(StepCall::attempt).containsExactly(0, 1, 2);
		assertThat(run.stepCalls("download")).hasSize(1);
	}

	@Test
	void exhaustedRetriesThrowStepFailedExceptionAndFailTheRun() {
		ImportFunction function = new ImportFunction(Integer.MAX_VALUE);

		FunctionRun run = FunctionTester.of(function).event("app/import.requested", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).as("retries = 4 by default: 5 attempts").isEqualTo(5);
		assertThat(run.error()).isInstanceOf(StepFailedException.class)
			.hasMessage("Step 'parse' failed: java.lang.IllegalStateException: parser busy")
			.hasCauseInstanceOf(IllegalStateException.class);
		assertThat(run.step("parse")).satisfies((step) -> {
			assertThat(step.status()).isEqualTo(StepStatus.FAILED);
			assertThat(step.attempts()).isEqualTo(5);
			assertThat(step.error()).isEqualTo("java.lang.IllegalStateException: parser busy");
			assertThat(step.endedAt()).isNotNull();
		});
	}

	@Test
	void retriesFollowTheOverrideLikeTheFunctionsProperty() {
		FunctionRun run = FunctionTester.of(new ImportFunction(Integer.MAX_VALUE))
			.retries(1)
			.event("app/import.requested", Map.of())
			.execute();

		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.step("parse").attempts()).isEqualTo(2);
	}

	@Test
	void keysRepeatsOfAStepIdByTheirCount() {
		LoopFunction function = new LoopFunction();

		FunctionRun run = FunctionTester.of(function).event("app/batch.received", Map.of()).execute();

		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::output)
			.containsExactly(tuple("item", "\"A\""), tuple("item:1", "\"B\""), tuple("item:2", "\"C\""),
					tuple("finish", "\"A,B,C\""));
		assertThat(run.output()).isEqualTo("A,B,C");
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(function.items).as("loop steps replayed, not run again").hasValue(3);
	}

	@Test
	void nonRetriableExceptionFailsTheStepAtOnce() {
		FailingFunctions functions = new FailingFunctions();

		FunctionRun run = FunctionTester.of(functions, "apply-coupon").event("app/coupon.applied", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).isInstanceOf(StepFailedException.class)
			.hasMessageContaining("NonRetriableException: invalid coupon");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("validate", StepStatus.FAILED, 1));
	}

	@Test
	void noRetryForFailsTheStepAtOnceAlsoAsACause() {
		FailingFunctions functions = new FailingFunctions();
		FunctionTester tester = FunctionTester.of(functions, "geocode");

		FunctionRun direct = tester.event("app/address.changed", Map.of()).execute();
		FunctionRun wrapped = tester.event("app/address.imported", Map.of()).execute();

		assertThat(direct.step("geocode").attempts()).isEqualTo(1);
		assertThat(direct.status()).isEqualTo(RunStatus.FAILED);
		assertThat(wrapped.step("geocode").attempts()).isEqualTo(1);
		assertThat(functions.geocodes).hasValue(2);
	}

	@Test
	void functionCatchingStepFailedExceptionGoesOn() {
		FunctionRun run = FunctionTester.of(new FallbackFunction()).event("app/payment.due", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("invoiced after charge failed");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("charge", StepStatus.FAILED, 2), tuple("send-invoice", StepStatus.COMPLETED, 1));
	}

	@Test
	void failureOutsideStepsIsRetriedWithTheSameLimit() {
		FailingFunctions functions = new FailingFunctions();

		FunctionRun run = FunctionTester.of(functions, "load-config").event("app/config.loaded", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(run.error()).isInstanceOf(IllegalStateException.class).hasMessage("config missing");
		assertThat(run.steps()).isEmpty();
		assertThat(functions.configLoads).hasValue(3);
	}

	@Test
	void failureOutsideStepsResumesWithCompletedStepsMemoized() {
		FailingFunctions functions = new FailingFunctions();

		FunctionRun run = FunctionTester.of(functions, "render-report")
			.event("app/report.requested", Map.of())
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.output()).isEqualTo("report 7");
		assertThat(functions.queries).hasValue(1);
		assertThat(functions.attemptsSeen).containsExactly(0, 1);
	}

	@Test
	void nonRetriableExceptionOutsideStepsFailsTheRunAtOnce() {
		FunctionRun run = FunctionTester.of(new FailingFunctions(), "close-account")
			.event("app/account.closed", Map.of())
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).isInstanceOf(NonRetriableException.class).hasMessage("account is gone");
	}

	@Test
	void retryAfterExceptionMovesVirtualTimeInsteadOfWaiting() {
		FunctionRun run = FunctionTester.of(new RateLimitedFunction()).event("app/sync.requested", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.step("call-api").attempts()).isEqualTo(2);
		assertThat(run.elapsed()).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void backoffMovesVirtualTimeWithoutJitter() {
		FunctionRun run = FunctionTester.of(new ImportFunction(2)).event("app/import.requested", Map.of()).execute();

		assertThat(run.elapsed()).as("15s + 30s of the default backoff").isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void nestedStepFailsTheOuterStepWithAClearError() {
		FunctionRun run = FunctionTester.of(new NestingFunction()).event("app/nested", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).hasMessageContaining("Step 'inner' was called inside step 'outer'")
			.hasMessageContaining("cannot be nested");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("outer", StepStatus.FAILED, 1));
	}

	@Test
	void moreStepsThanTheLimitFailTheRun() {
		FunctionRun run = FunctionTester.of(new EndlessFunction()).event("app/endless", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error()).hasMessageContaining("more than 1000 steps");
		assertThat(run.steps()).hasSize(1000);
	}

	static class ImportFunction {

		private final int failures;

		final AtomicInteger downloads = new AtomicInteger();

		final AtomicInteger parses = new AtomicInteger();

		final AtomicInteger bodyRuns = new AtomicInteger();

		final List<Integer> attemptsSeen = new ArrayList<>();

		ImportFunction(int failures) {
			this.failures = failures;
		}

		@EventFunction(id = "import", event = "app/import.requested")
		String importFile(StepContext step, RunContext run) {
			this.bodyRuns.incrementAndGet();
			String file = step.run("download", () -> {
				this.downloads.incrementAndGet();
				return "file-1";
			});
			this.attemptsSeen.add(run.attempt());
			int rows = step.run("parse", () -> {
				if (this.parses.incrementAndGet() <= this.failures) {
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

	static class EndlessFunction {

		@EventFunction(id = "endless", event = "app/endless")
		void endless(StepContext step) {
			while (true) {
				step.run("tick", () -> "ok");
			}
		}

	}

	static class FailingFunctions {

		final AtomicInteger geocodes = new AtomicInteger();

		final AtomicInteger configLoads = new AtomicInteger();

		final AtomicInteger queries = new AtomicInteger();

		final AtomicInteger renders = new AtomicInteger();

		final List<Integer> attemptsSeen = new ArrayList<>();

		@EventFunction(id = "apply-coupon", event = "app/coupon.applied")
		void applyCoupon(StepContext step) {
			step.run("validate", () -> {
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

		@EventFunction(id = "close-account", event = "app/account.closed")
		void closeAccount() {
			throw new NonRetriableException("account is gone");
		}

		@EventFunction(id = "render-report", event = "app/report.requested")
		String renderReport(StepContext step, RunContext run) {
			int rows = step.run("query", () -> {
				this.queries.incrementAndGet();
				return 7;
			});
			this.attemptsSeen.add(run.attempt());
			if (this.renders.incrementAndGet() == 1) {
				throw new IllegalStateException("template cache cold");
			}
			return "report " + rows;
		}

	}

	static class FallbackFunction {

		@EventFunction(id = "collect-payment", event = "app/payment.due", retries = 1)
		String collect(StepContext step) {
			try {
				step.run("charge", () -> {
					throw new IllegalStateException("gateway down");
				});
				return "charged";
			}
			catch (StepFailedException ex) {
				return step.run("send-invoice", () -> "invoiced after " + ex.stepKey() + " failed");
			}
		}

	}

	static class RateLimitedFunction {

		private int calls;

		@EventFunction(id = "sync-api", event = "app/sync.requested")
		String sync(StepContext step) {
			return step.run("call-api", () -> {
				if (++this.calls == 1) {
					throw new RetryAfterException("429 Too Many Requests", Duration.ofMinutes(10));
				}
				return "synced";
			});
		}

	}

}
