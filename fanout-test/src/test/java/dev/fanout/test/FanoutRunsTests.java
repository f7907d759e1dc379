package dev.fanout.test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link FanoutRuns} on a real engine: it returns runs once they reach the expected
 * status, and otherwise fails with the runs' status, error and step history, at once when
 * a run ended otherwise.
 */
class FanoutRunsTests {

	private H2Engine engine;

	private FanoutRuns runs;

	@BeforeEach
	void startEngine() {
		this.engine = H2Engine.start(new SignupFunctions());
		this.runs = new FanoutRuns(this.engine.admin());
	}

	@AfterEach
	void stopEngine() {
		this.engine.close();
	}

	@Test
	void awaitRunReturnsTheRunWithItsSteps() {
		String runId = welcomeRun(send("app/user.signup", "ada@example.com"));

		RunInfo run = this.runs.awaitRun(runId, RunStatus.COMPLETED, Duration.ofSeconds(10));

		assertThat(run.functionId()).isEqualTo("welcome");
		assertThat(FanoutRuns.step(run, "send-email").status()).isEqualTo(StepStatus.COMPLETED);
		assertThat(this.runs.stepOutput(run, "send-email", Receipt.class)).isEqualTo(new Receipt("ada@example.com"));
		assertThat(this.runs.output(run, Receipt.class)).isEqualTo(new Receipt("ada@example.com"));
	}

	@Test
	void awaitRunFailsAtOnceWithTheRunsHistoryWhenItEndsOtherwise() {
		String runId = welcomeRun(send("app/user.signup", "bounce@example.com"));

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.runs.awaitRun(runId, RunStatus.COMPLETED, Duration.ofMinutes(5)))
			.withMessageContaining("Run " + runId + " is FAILED, expected COMPLETED")
			.withMessageContaining("run " + runId + " of 'welcome'")
			.withMessageContaining("FAILED after 1 attempt")
			.withMessageContaining("error: dev.fanout.StepFailedException: Step 'send-email' failed: "
					+ "dev.fanout.NonRetriableException: mailbox does not exist")
			.withMessageContaining("send-email: FAILED, 1 attempt, error: dev.fanout.NonRetriableException: "
					+ "mailbox does not exist")
			.withMessageNotContaining("Timed out");
	}

	@Test
	void awaitRunFailsAtTheTimeoutWithTheRunsState() {
		String runId = send("app/order.placed", "ada@example.com").runIds().get(0);
		this.runs.awaitRun(runId, RunStatus.WAITING);

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.runs.awaitRun(runId, RunStatus.COMPLETED, Duration.ofMillis(300)))
			.withMessageContaining("Timed out after PT0.3S")
			.withMessageContaining("is WAITING, expected COMPLETED")
			.withMessageContaining("confirm: COMPLETED, 1 attempt")
			.withMessageContaining("paid: WAITING");
	}

	@Test
	void awaitRunCanWaitForAPause() {
		String runId = send("app/order.placed", "ada@example.com").runIds().get(0);

		RunInfo run = this.runs.awaitRun(runId, RunStatus.WAITING);

		assertThat(run.steps()).extracting((step) -> step.key()).containsExactly("confirm", "paid");
	}

	@Test
	void awaitEventReturnsTheRunsOnceEachFunctionReachedItsStatus() {
		String eventId = send("app/user.signup", "bounce@example.com").eventIds().get(0);

		EventRuns signup = this.runs.awaitEvent(eventId,
				Map.of("welcome", RunStatus.FAILED, "audit", RunStatus.COMPLETED));

		assertThat(signup.runs()).hasSize(2);
		assertThat(signup.run("welcome").error()).contains("mailbox does not exist");
		assertThat(signup.run("audit").status()).isEqualTo(RunStatus.COMPLETED);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> signup.run("billing"))
			.withMessageContaining("triggered no run of 'billing'");
	}

	@Test
	void awaitEventFailsAtOnceWhenAFunctionEndsOtherwise() {
		String eventId = send("app/user.signup", "bounce@example.com").eventIds().get(0);

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.runs.withTimeout(Duration.ofMinutes(5))
				.awaitEvent(eventId, Map.of("welcome", RunStatus.COMPLETED, "audit", RunStatus.COMPLETED)))
			.withMessageContaining("'welcome' is FAILED")
			.withMessageContaining("send-email: FAILED")
			.withMessageNotContaining("Timed out");
	}

	@Test
	void awaitEventNamesMissingAndUnexpectedFunctions() {
		String eventId = send("app/user.signup", "ada@example.com").eventIds().get(0);

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.runs.withTimeout(Duration.ofMillis(300))
				.awaitEvent(eventId, Map.of("welcome", RunStatus.COMPLETED, "billing", RunStatus.COMPLETED)))
			.withMessageContaining("unexpected run of 'audit'")
			.withMessageContaining("no run of 'billing'");
	}

	@Test
	void awaitEventWithOneStatusWaitsForEveryRun() {
		String eventId = send("app/user.signup", "ada@example.com").eventIds().get(0);

		EventRuns signup = this.runs.awaitEvent(eventId, RunStatus.COMPLETED);

		assertThat(signup.runs()).extracting(RunInfo::functionId).containsExactlyInAnyOrder("welcome", "audit");
		assertThat(this.runs.awaitEventEnded(eventId).runs()).hasSize(2);
	}

	private SendResult send(String name, String email) {
		return this.engine.send(Event.of(name, Map.of("email", email)));
	}

	private String welcomeRun(SendResult sent) {
		return this.engine.admin()
			.runsForEvent(sent.eventIds().get(0))
			.stream()
			.filter((run) -> run.functionId().equals("welcome"))
			.findFirst()
			.orElseThrow()
			.runId();
	}

	record Receipt(String to) {
	}

	static class SignupFunctions {

		@EventFunction(id = "welcome", event = "app/user.signup")
		Receipt welcome(StepContext step, Map<String, Object> data) {
			String email = (String) data.get("email");
			return step.run("send-email", Receipt.class, () -> {
				if (email.startsWith("bounce")) {
					throw new NonRetriableException("mailbox does not exist");
				}
				return new Receipt(email);
			});
		}

		@EventFunction(id = "audit", event = "app/user.signup")
		void audit(StepContext step) {
			step.run("record", () -> "recorded");
		}

		@EventFunction(id = "await-payment", event = "app/order.placed")
		void awaitPayment(StepContext step) {
			step.run("confirm", () -> "confirmed");
			Optional<Event> paid = step.waitForEvent("paid", "app/order.paid", Duration.ofDays(1), null);
			step.run("ship", () -> paid.isPresent());
		}

	}

}
