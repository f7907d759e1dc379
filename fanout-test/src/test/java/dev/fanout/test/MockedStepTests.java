package dev.fanout.test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Mocked steps: they replace the step's body only when the step would really run, and
 * what they return or throw is handled exactly as the body's.
 */
class MockedStepTests {

	@Test
	void mockedValueReplacesTheBodyAndMakesTheJsonRoundTrip() {
		TrialFunction function = new TrialFunction();
		Customer mocked = new Customer("cus_mock");

		FunctionRun run = FunctionTester.of(function)
			.event("app/user.signup", Map.of())
			.mockStep("create-customer", mocked)
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(function.customerCalls).hasValue(0);
		assertThat(function.customersSeen).singleElement().isEqualTo(mocked).isNotSameAs(mocked);
		assertThat(run.output()).isEqualTo("sub_for_cus_mock");
		assertThat(run.stepCalls("create-customer")).hasSize(1);
		assertThat(run.unusedMocks()).isEmpty();
	}

	@Test
	void mockThatThrowsIsRetriedLikeTheRealStep() {
		TrialFunction function = new TrialFunction();

		FunctionRun run = FunctionTester.of(function)
			.event("app/user.signup", Map.of())
			.mockStep("create-customer", (call) -> {
				if (call.attempt() < 2) {
					throw new IOException("Stripe unreachable");
				}
				return new Customer("cus_3");
			})
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(run.stepCalls("create-customer")).extracting(StepCall::attempt).containsExactly(0, 1, 2);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("create-customer", StepStatus.COMPLETED, 3),
					tuple("create-subscription", StepStatus.COMPLETED, 1));
	}

	@Test
	void mockIsNotCalledWhenItsStepReplays() {
		TrialFunction function = new TrialFunction();
		AtomicInteger subscriptionFailures = new AtomicInteger();

		FunctionRun run = FunctionTester.of(function)
			.event("app/user.signup", Map.of())
			.mockStep("create-customer", () -> new Customer("cus_1"))
			.mockStep("create-subscription", () -> {
				if (subscriptionFailures.incrementAndGet() <= 2) {
					throw new IllegalStateException("Stripe 500");
				}
				return "sub_1";
			})
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(run.stepCalls("create-customer")).as("replayed on the retries, not called").hasSize(1);
		assertThat(run.stepCalls("create-subscription")).hasSize(3);
		assertThat(function.customersSeen).hasSize(3);
	}

	@Test
	void mockThrowingNonRetriableExceptionFailsTheStepAtOnce() {
		FunctionRun run = FunctionTester.of(new TrialFunction())
			.event("app/user.signup", Map.of())
			.mockStep("create-customer", () -> {
				throw new NonRetriableException("card declined");
			})
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).isInstanceOf(StepFailedException.class)
			.hasMessage("Step 'create-customer' failed: dev.fanout.NonRetriableException: card declined");
		assertThat(run.stepCalls("create-subscription")).isEmpty();
	}

	@Test
	void mockedValueThatCannotBeStoredFailsLikeTheRealStep() {
		FunctionRun run = FunctionTester.of(new TrialFunction())
			.event("app/user.signup", Map.of())
			.mockStep("create-customer", "cus_1")
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error()).hasMessageContaining("Output of step 'create-customer' cannot be stored and restored");
	}

	@Test
	void mockForAKeyWinsOverTheMockForItsIdInALoop() {
		FunctionRun run = FunctionTester.of(new LoopFunction())
			.event("app/items", Map.of())
			.mockStep("item", (call) -> call.key().toUpperCase())
			.mockStep("item:1", "second")
			.execute();

		assertThat(run.output()).isEqualTo("ITEM,second,ITEM:2");
		assertThat(run.stepCalls("item:1")).singleElement().satisfies((call) -> {
			assertThat(call.id()).isEqualTo("item");
			assertThat(call.key()).isEqualTo("item:1");
			assertThat(call.arguments()).isEmpty();
		});
	}

	@Test
	void mockThatNoStepUsesIsReported() {
		FunctionRun run = FunctionTester.of(new TrialFunction())
			.event("app/user.signup", Map.of())
			.mockStep("create-custmer", new Customer("cus_typo"))
			.execute();

		assertThat(run.unusedMocks()).containsExactly("create-custmer");
	}

	@Test
	void voidStepMockRunsInsteadOfTheBody() {
		AtomicInteger mockCalls = new AtomicInteger();
		LoopFunction function = new LoopFunction();

		FunctionRun run = FunctionTester.of(function)
			.event("app/items", Map.of())
			.mockStep("notify", () -> mockCalls.incrementAndGet())
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(mockCalls).hasValue(1);
		assertThat(function.notifications).hasValue(0);
		assertThat(run.step("notify").output()).isEqualTo("null");
	}

	record Customer(String id) {
	}

	static class TrialFunction {

		final AtomicInteger customerCalls = new AtomicInteger();

		final List<Customer> customersSeen = new ArrayList<>();

		@EventFunction(id = "start-trial", event = "app/user.signup")
		String startTrial(StepContext step) {
			Customer customer = step.run("create-customer", Customer.class, () -> {
				this.customerCalls.incrementAndGet();
				return new Customer("cus_real");
			});
			this.customersSeen.add(customer);
			return step.run("create-subscription", () -> "sub_for_" + customer.id());
		}

	}

	static class LoopFunction {

		final AtomicInteger notifications = new AtomicInteger();

		@EventFunction(id = "items", event = "app/items")
		String items(StepContext step) {
			StringBuilder out = new StringBuilder();
			for (int i = 0; i < 3; i++) {
				out.append((i > 0) ? "," : "").append(step.run("item", () -> "real"));
			}
			step.run("notify", () -> {
				this.notifications.incrementAndGet();
			});
			return out.toString();
		}

	}

}
