package dev.fanout.sample.billing;

import java.util.ArrayList;
import java.util.List;

import com.stripe.exception.ApiConnectionException;
import org.junit.jupiter.api.Test;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.sample.SampleProperties;
import dev.fanout.sample.signup.UserSignedUp;
import dev.fanout.sample.signup.UserSignedUp.SignedUpUser;
import dev.fanout.test.FunctionRun;
import dev.fanout.test.FunctionTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code start-stripe-trial} in isolation, on a recording fake of Stripe: the customer id
 * flows from the first step into the second, and a retried or resumed run never creates a
 * second customer.
 */
class StripeTrialFunctionTests {

	private static final Event SIGNUP = Event.of(UserSignedUp.EVENT,
			new UserSignedUp(new SignedUpUser(7, "grace@example.com")));

	private static final SampleProperties PROPERTIES = new SampleProperties(
			new SampleProperties.Email("welcome@signup.local", false),
			new SampleProperties.Stripe(null, "https://api.stripe.com", "price_test_trial"));

	@Test
	void startsTheTrialForTheCustomerCreatedInTheFirstStep() {
		FakeStripe stripe = new FakeStripe(0);

		FunctionRun run = tester(stripe).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		StripeCustomer customer = run.stepOutput("create-customer", StripeCustomer.class);
		assertThat(customer).isEqualTo(new StripeCustomer("cus_1", "grace@example.com"));
		assertThat(run.stepOutput("create-subscription", TrialSubscription.class).customerId()).isEqualTo("cus_1");
		assertThat(run.output(TrialStarted.class)).isEqualTo(new TrialStarted("cus_1", "sub_1", 14));
		assertThat(stripe.calls).containsExactly("customer 7 grace@example.com fanout-test-run-create-customer",
				"subscription cus_1 price_test_trial 14 fanout-test-run-create-subscription");
	}

	@Test
	void retriedSubscriptionReusesTheStoredCustomerAndItsIdempotencyKey() {
		FakeStripe stripe = new FakeStripe(2);

		FunctionRun run = tester(stripe).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(run.stepCalls("create-customer")).hasSize(1);
		assertThat(run.stepCalls("create-subscription")).hasSize(3);
		assertThat(stripe.calls).filteredOn((call) -> call.startsWith("subscription"))
			.containsOnly("subscription cus_1 price_test_trial 14 fanout-test-run-create-subscription")
			.hasSize(3);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("create-customer", StepStatus.COMPLETED, 1),
					tuple("create-subscription", StepStatus.COMPLETED, 3));
	}

	@Test
	void stripeRefusingTheCustomerFailsTheRunAtOnce() {
		FunctionRun run = tester(new FakeStripe(0)).mockStep("create-customer", () -> {
			throw new NonRetriableException("Stripe refused the request (HTTP 400): Invalid email address");
		}).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).hasMessageContaining("Invalid email address");
		assertThat(run.stepCalls("create-subscription")).isEmpty();
	}

	@Test
	void stripeOutageFailsTheRunAndAResumeDoesNotCreateASecondCustomer() {
		FakeStripe down = new FakeStripe(Integer.MAX_VALUE);
		FunctionRun failed = tester(down).execute();
		assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
		assertThat(failed.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("create-customer", StepStatus.COMPLETED, 1),
					tuple("create-subscription", StepStatus.FAILED, 5));

		FakeStripe back = new FakeStripe(0);
		FunctionRun resumed = tester(back).resumeFrom(failed).execute();

		assertThat(resumed.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(back.calls).singleElement().asString().startsWith("subscription cus_1 ");
		assertThat(resumed.output(TrialStarted.class).customerId()).isEqualTo("cus_1");
	}

	@Test
	void mockedCustomerFlowsIntoTheSubscription() {
		FakeStripe stripe = new FakeStripe(0);

		FunctionRun run = tester(stripe)
			.mockStep("create-customer", new StripeCustomer("cus_mock", "grace@example.com"))
			.execute();

		assertThat(run.output(TrialStarted.class).customerId()).isEqualTo("cus_mock");
		assertThat(stripe.calls).singleElement().asString().startsWith("subscription cus_mock ");
	}

	@Test
	void stopsAfterCreatingTheCustomer() {
		FakeStripe stripe = new FakeStripe(0);

		FunctionRun run = tester(stripe).executeUntil("create-customer");

		assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(run.steps()).extracting(StepInfo::key).containsExactly("create-customer");
		assertThat(stripe.calls).hasSize(1);
	}

	private static FunctionTester tester(FakeStripe stripe) {
		return FunctionTester.of(new StripeTrialFunction(stripe, PROPERTIES)).event(SIGNUP);
	}

	/**
	 * Answers like Stripe with numbered ids, failing the first subscription attempts as a
	 * network failure would.
	 */
	static final class FakeStripe implements TrialBilling {

		final List<String> calls = new ArrayList<>();

		private final int subscriptionFailures;

		private int subscriptionAttempts;

		FakeStripe(int subscriptionFailures) {
			this.subscriptionFailures = subscriptionFailures;
		}

		@Override
		public StripeCustomer createCustomer(long userId, String email, String idempotencyKey) {
			this.calls.add("customer " + userId + " " + email + " " + idempotencyKey);
			return new StripeCustomer("cus_1", email);
		}

		@Override
		public TrialSubscription startTrial(String customerId, String priceId, int trialDays, String idempotencyKey)
				throws ApiConnectionException {
			this.calls.add("subscription " + customerId + " " + priceId + " " + trialDays + " " + idempotencyKey);
			if (++this.subscriptionAttempts <= this.subscriptionFailures) {
				throw new ApiConnectionException("IOException during API request to Stripe: connection reset");
			}
			return new TrialSubscription("sub_1", customerId, "trialing", 1_800_000_000L);
		}

	}

}
