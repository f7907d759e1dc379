package dev.fanout.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every step output goes through JSON, as in the engine, so what a function sees in a
 * test is what it will see after a retry or a crash, and a value that could not be stored
 * fails the test clearly.
 */
class JsonRoundTripTests {

	@Test
	void stepReturnsTheRestoredCopyEvenOnItsFirstRun() {
		CustomerFunctions functions = new CustomerFunctions();

		FunctionRun run = FunctionTester.of(functions, "copies").event("app/copies", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(functions.seen).singleElement().satisfies((customer) -> {
			assertThat(customer).isEqualTo(functions.created).isNotSameAs(functions.created);
		});
		assertThat(run.stepOutput("create", Customer.class)).isEqualTo(new Customer("cus_1", List.of("trial")));
		assertThat(run.step("create").output()).isEqualTo("{\"id\":\"cus_1\",\"tags\":[\"trial\"]}");
	}

	@Test
	void genericCollectionComesBackAsJsonObjectsLikeAfterARestart() {
		CustomerFunctions functions = new CustomerFunctions();

		FunctionRun run = FunctionTester.of(functions, "erased").event("app/erased", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error()).isInstanceOf(ClassCastException.class);
		assertThat(functions.erasedElementTypes).containsOnly(LinkedHashMap.class);
	}

	@Test
	void aReturnValueOverTheRunOutputLimitFailsTheRunWithoutARetry() {
		FunctionRun run = FunctionTester.of(new Report()).event("app/report.requested", Map.of()).execute();
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isOne();
		assertThat(run.error()).isInstanceOf(NonRetriableException.class)
			.hasMessageContaining("over the limit of 4194304 bytes (fanout.limits.max-run-output-size)");
	}

	@Test
	void typedStepRestoresTheGivenType() {
		FunctionRun run = FunctionTester.of(new CustomerFunctions(), "typed").event("app/typed", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("cus_1,cus_2");
	}

	@Test
	void outputThatCannotBeReadBackFailsTheStepAtOnceNamingStepAndType() {
		FunctionRun run = FunctionTester.of(new CustomerFunctions(), "money").event("app/money", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).as("not retried: it would fail the same way").isEqualTo(1);
		assertThat(run.error()).isInstanceOf(StepFailedException.class)
			.hasMessageContaining("Output of step 'price' cannot be stored and restored as JSON")
			.hasMessageContaining("Cannot read JSON as " + Money.class.getName())
			.hasRootCauseInstanceOf(tools.jackson.core.JacksonException.class);
		assertThat(run.error().getCause()).isInstanceOf(NonRetriableException.class);
		assertThat(run.step("price").status()).isEqualTo(StepStatus.FAILED);
		assertThat(run.step("price").error()).contains("cannot be stored and restored as JSON");
		assertThat(run.toString()).contains("price: FAILED, 1 attempt, error: dev.fanout.NonRetriableException: "
				+ "Output of step 'price' cannot be stored and restored as JSON");
	}

	@Test
	void outputThatCannotBeWrittenFailsTheStepAtOnce() {
		FunctionRun run = FunctionTester.of(new CustomerFunctions(), "socket").event("app/socket", Map.of()).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).hasMessageContaining("Output of step 'connect' cannot be stored and restored as JSON")
			.hasMessageContaining("Cannot write a " + Connection.class.getName());
	}

	@Test
	void returnValueThatCannotBeStoredFailsTheRun() {
		FunctionRun run = FunctionTester.of(new CustomerFunctions(), "returns-connection")
			.event("app/returns", Map.of())
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).isInstanceOf(NonRetriableException.class)
			.hasMessage("The function's return value cannot be stored as JSON");
	}

	@Test
	void eventDataIsConvertedToTheDataParameter() {
		FunctionRun run = FunctionTester.of(new CustomerFunctions(), "signup")
			.event("app/user.signup", Map.of("user", Map.of("id", 7, "email", "ada@example.com")))
			.execute();

		assertThat(run.output()).isEqualTo("7:ada@example.com");
	}

	@Test
	void eventDataThatDoesNotFitTheParameterFailsAtOnce() {
		FunctionRun run = FunctionTester.of(new CustomerFunctions(), "signup")
			.event("app/user.signup", Map.of("user", "not an object"))
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).isInstanceOf(NonRetriableException.class)
			.hasMessageContaining("Event data cannot be converted to parameter 'signup'");
	}

	record Customer(String id, List<String> tags) {
	}

	record Signup(SignupUser user) {
	}

	record SignupUser(long id, String email) {
	}

	/** Readable as JSON, but without a constructor Jackson can use to read it back. */
	static final class Money {

		private final long cents;

		Money(long cents, String currency) {
			this.cents = cents;
		}

		public long getCents() {
			return this.cents;
		}

	}

	/** Nothing Jackson can write: reading its property fails. */
	static final class Connection {

		public String getSessionId() {
			throw new IllegalStateException("connection closed");
		}

	}

	static class CustomerFunctions {

		final Customer created = new Customer("cus_1", new ArrayList<>(List.of("trial")));

		final List<Customer> seen = new ArrayList<>();

		final List<Class<?>> erasedElementTypes = new ArrayList<>();

		@EventFunction(id = "copies", event = "app/copies")
		void copies(StepContext step) {
			this.seen.add(step.run("create", () -> this.created));
		}

		@EventFunction(id = "erased", event = "app/erased", retries = 0)
		String erased(StepContext step) {
			List<Customer> customers = step.run("list", () -> List.of(new Customer("cus_1", List.of())));
			List<?> elements = customers;
			elements.forEach((element) -> this.erasedElementTypes.add(element.getClass()));
			return customers.get(0).id();
		}

		@EventFunction(id = "typed", event = "app/typed")
		String typed(StepContext step) {
			Customer[] customers = step.run("list", Customer[].class,
					() -> new Customer[] { new Customer("cus_1", List.of()), new Customer("cus_2", List.of()) });
			return customers[0].id() + "," + customers[1].id();
		}

		@EventFunction(id = "money", event = "app/money")
		long money(StepContext step) {
			return step.run("price", () -> new Money(4900, "EUR")).getCents();
		}

		@EventFunction(id = "socket", event = "app/socket")
		void socket(StepContext step) {
			step.run("connect", Connection::new);
		}

		@EventFunction(id = "returns-connection", event = "app/returns")
		Connection returnsConnection() {
			return new Connection();
		}

		@EventFunction(id = "signup", event = "app/user.signup")
		String signup(Signup signup) {
			return signup.user().id() + ":" + signup.user().email();
		}

	}

	static class Report {

		@EventFunction(id = "report", event = "app/report.requested")
		String report() {
			return "x".repeat(4 * 1024 * 1024);
		}

	}

}
