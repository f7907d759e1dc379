package dev.fanout.test;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.RunContext;
import dev.fanout.RunStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Finding the function under test, checking its declaration and trigger, and what the
 * function knows about its run.
 */
class FunctionSetupTests {

	@Test
	void beanWithSeveralFunctionsNeedsTheIdOfTheOneToTest() {
		assertThatIllegalArgumentException().isThrownBy(() -> FunctionTester.of(new TwoFunctions()))
			.withMessageContaining("has 2 @EventFunction methods [first, second]")
			.withMessageContaining("of(bean, id)");
	}

	@Test
	void unknownIdListsTheFunctionsOfTheBean() {
		assertThatIllegalArgumentException().isThrownBy(() -> FunctionTester.of(new TwoFunctions(), "third"))
			.withMessageContaining("has no @EventFunction with id 'third'; it has [first, second]");
	}

	@Test
	void invalidDeclarationFailsAsAtStartup() {
		assertThatIllegalStateException().isThrownBy(() -> FunctionTester.of(new InvalidFunction()))
			.withMessageContaining("Invalid @EventFunction 'too-many-retries'")
			.withMessageContaining("retries must be between 0 and 20");
	}

	@Test
	void eventThatDoesNotTriggerTheFunctionFailsTheTest() {
		FunctionTester tester = FunctionTester.of(new TwoFunctions(), "second")
			.event("app/plan.changed", Map.of("plan", "free"));

		assertThatExceptionOfType(AssertionError.class).isThrownBy(tester::execute)
			.withMessageContaining("does not trigger function 'second'")
			.withMessageContaining("filter 'event.data.plan == 'pro''");
	}

	@Test
	void isTriggeredByEvaluatesNamesAndFilter() {
		FunctionTester tester = FunctionTester.of(new TwoFunctions(), "second");

		assertThat(tester.isTriggeredBy(Event.of("app/plan.changed", Map.of("plan", "pro")))).isTrue();
		assertThat(tester.isTriggeredBy(Event.of("app/plan.changed", Map.of("plan", "free")))).isFalse();
		assertThat(tester.isTriggeredBy(Event.of("app/user.signup", Map.of("plan", "pro")))).isFalse();
	}

	@Test
	void withoutAnEventTheTestFails() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> FunctionTester.of(new TwoFunctions(), "first").execute())
			.withMessageContaining("No event to run function 'first'");
	}

	@Test
	void functionSeesTheRunIdAndTrigger() {
		Event event = Event.of("app/first", Map.of());

		FunctionRun run = FunctionTester.of(new TwoFunctions(), "first").event(event).runId("run_42").execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("run_42 first " + event.id());
		assertThat(run.runId()).isEqualTo("run_42");
		assertThat(run.toRunInfo().eventId()).isEqualTo(event.id());
	}

	@Test
	void assertStatusDescribesTheRunWhenItDiffers() {
		FunctionRun run = FunctionTester.of(new InvalidLater()).event("app/later", Map.of()).execute();

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> run.assertStatus(RunStatus.COMPLETED))
			.withMessageContaining("Expected the run to be COMPLETED")
			.withMessageContaining("FAILED after 1 attempt")
			.withMessageContaining("error: dev.fanout.NonRetriableException: not today");
		assertThat(run.assertStatus(RunStatus.FAILED)).isSameAs(run);
	}

	@Test
	void cronFunctionRunsFromItsTickEvent() {
		FunctionTester tester = FunctionTester.of(new Nightly());
		Event tick = Event.of("fanout/cron", Map.of("function_id", "nightly", "tick", "2026-12-07T02:00:00Z"));

		assertThat(tester.isTriggeredBy(tick)).isTrue();
		assertThat(tester.isTriggeredBy(Event.of("fanout/cron", Map.of("function_id", "other")))).isFalse();
		FunctionRun run = tester.event(tick).execute();
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output(String.class)).isEqualTo("report for 2026-12-07T02:00:00Z");
	}

	static class Nightly {

		@EventFunction(id = "nightly", cron = "0 0 2 * * *")
		String report(Event tick) {
			return "report for " + tick.data().get("tick");
		}

	}

	static class TwoFunctions {

		@EventFunction(id = "first", event = "app/first")
		String first(RunContext run) {
			return run.runId() + " " + run.functionId() + " " + run.event().id();
		}

		@EventFunction(id = "second", event = "app/plan.changed", filter = "event.data.plan == 'pro'")
		void second() {
		}

	}

	static class InvalidFunction {

		@EventFunction(id = "too-many-retries", event = "app/x", retries = 30)
		void tooMany() {
		}

	}

	static class InvalidLater {

		@EventFunction(id = "later", event = "app/later")
		void later() {
			throw new NonRetriableException("not today");
		}

	}

}
