package dev.fanout.test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.fanout.EventFunction;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Stopping a run after one step, and starting one from stored step outputs, to test what
 * happens when a run resumes after a failure.
 */
class ResumeAndStopTests {

	@Test
	void executeUntilStopsOnceTheStepsResultReachesTheFunction() {
		OrderFunction function = new OrderFunction(0);

		FunctionRun run = FunctionTester.of(function).event("app/order.placed", Map.of()).executeUntil("reserve");

		assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(run.steps()).extracting(StepInfo::key).containsExactly("reserve");
		assertThat(run.stepOutput("reserve", String.class)).isEqualTo("res_1");
		assertThat(function.charges).hasValue(0);
	}

	@Test
	void executeUntilARetriedStepStopsOnceItCompletes() {
		OrderFunction function = new OrderFunction(2);

		FunctionRun run = FunctionTester.of(function).event("app/order.placed", Map.of()).executeUntil("charge");

		assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(run.step("charge").attempts()).isEqualTo(3);
		assertThat(function.ships).hasValue(0);
	}

	@Test
	void executeUntilAStepThatFailsForGoodStopsBeforeTheFunctionSeesTheFailure() {
		OrderFunction function = new OrderFunction(Integer.MAX_VALUE);

		FunctionRun run = FunctionTester.of(function)
			.retries(0)
			.event("app/order.placed", Map.of())
			.executeUntil("charge");

		assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(run.step("charge").status()).isEqualTo(StepStatus.FAILED);
		assertThat(run.error()).isNull();
	}

	@Test
	void runStoppedByExecuteUntilGoesOnWithResumeFrom() {
		OrderFunction function = new OrderFunction(0);
		FunctionRun reserved = FunctionTester.of(function).event("app/order.placed", Map.of()).executeUntil("reserve");

		FunctionRun charged = FunctionTester.of(function).resumeFrom(reserved).executeUntil("charge");
		FunctionRun shipped = FunctionTester.of(function).resumeFrom(charged).execute();

		assertThat(shipped.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(shipped.output()).isEqualTo("shipped res_1/ch_1");
		assertThat(shipped.event()).isEqualTo(reserved.event());
		assertThat(function.reservations).hasValue(1);
		assertThat(function.charges).hasValue(1);
		assertThat(function.ships).hasValue(1);
	}

	@Test
	void executeUntilAStepTheRunNeverReachesFailsTheTest() {
		FunctionTester tester = FunctionTester.of(new OrderFunction(0)).event("app/order.placed", Map.of());

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> tester.executeUntil("refund"))
			.withMessageContaining("executeUntil(\"refund\"): the run ended COMPLETED without reaching step 'refund'")
			.withMessageContaining("ship: COMPLETED");
	}

	@Test
	void withCompletedStepReplaysTheGivenOutputInsteadOfRunningTheStep() {
		OrderFunction function = new OrderFunction(0);

		FunctionRun run = FunctionTester.of(function)
			.event("app/order.placed", Map.of())
			.withCompletedStep("reserve", "res_stored")
			.withCompletedStep("charge", "ch_stored")
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("shipped res_stored/ch_stored");
		assertThat(function.reservations).hasValue(0);
		assertThat(function.charges).hasValue(0);
		assertThat(run.stepCalls("reserve")).isEmpty();
		assertThat(run.steps()).extracting(StepInfo::key).containsExactly("reserve", "charge", "ship");
	}

	@Test
	void resumeFromAFailedRunKeepsItsCompletedStepsAndRunsTheRestAgain() {
		OrderFunction outage = new OrderFunction(Integer.MAX_VALUE);
		FunctionRun failed = FunctionTester.of(outage).event("app/order.placed", Map.of()).execute();
		assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
		assertThat(failed.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("reserve", StepStatus.COMPLETED, 1), tuple("charge", StepStatus.FAILED, 5));

		OrderFunction recovered = new OrderFunction(0);
		FunctionRun resumed = FunctionTester.of(recovered).resumeFrom(failed).execute();

		assertThat(resumed.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(recovered.reservations).as("not reserved twice").hasValue(0);
		assertThat(resumed.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("reserve", StepStatus.COMPLETED, 1), tuple("charge", StepStatus.COMPLETED, 1),
					tuple("ship", StepStatus.COMPLETED, 1));
	}

	static class OrderFunction {

		private final int chargeFailures;

		final AtomicInteger reservations = new AtomicInteger();

		final AtomicInteger charges = new AtomicInteger();

		final AtomicInteger ships = new AtomicInteger();

		OrderFunction(int chargeFailures) {
			this.chargeFailures = chargeFailures;
		}

		@EventFunction(id = "fulfil-order", event = "app/order.placed")
		String fulfil(StepContext step) {
			String reservation = step.run("reserve", () -> "res_" + this.reservations.incrementAndGet());
			String charge = step.run("charge", () -> {
				if (this.charges.incrementAndGet() <= this.chargeFailures) {
					throw new IllegalStateException("payment provider down");
				}
				return "ch_" + this.charges.get();
			});
			return step.run("ship", () -> {
				this.ships.incrementAndGet();
				return "shipped " + reservation + "/" + charge;
			});
		}

	}

}
