package dev.fanout.sample.email;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.mail.MailSendException;

import dev.fanout.Event;
import dev.fanout.RunStatus;
import dev.fanout.StepFailedException;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.sample.signup.UserSignedUp;
import dev.fanout.sample.signup.UserSignedUp.SignedUpUser;
import dev.fanout.test.FunctionRun;
import dev.fanout.test.FunctionTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code send-welcome-email} in isolation: no Spring context, no database, no waiting for
 * retries; the mailer is the local stand-in or a flaky fake.
 */
class WelcomeEmailFunctionTests {

	private static final Event SIGNUP = Event.of(UserSignedUp.EVENT,
			new UserSignedUp(new SignedUpUser(1, "ada@example.com")));

	private final EmailOutage outage = new EmailOutage(false);

	private final LocalMailStandIn mailer = new LocalMailStandIn(this.outage);

	@Test
	void sendsTheWelcomeEmailOnceAndReturnsItsReceipt() {
		FunctionRun run = FunctionTester.of(new WelcomeEmailFunction(this.mailer)).event(SIGNUP).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output(EmailReceipt.class)).isEqualTo(new EmailReceipt("ada@example.com",
				"Welcome to the fanout signup sample", "local stand-in (not sent)"));
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::attempts)
			.containsExactly(tuple("send-email", StepStatus.COMPLETED, 1));
		assertThat(this.mailer.sentMessages()).singleElement().satisfies((message) -> {
			assertThat(message.to()).isEqualTo("ada@example.com");
			assertThat(message.body()).contains("user #1");
		});
	}

	@Test
	void retriesTheEmailWhileTheMailServerFailsAndSendsItOnce() {
		AtomicInteger attempts = new AtomicInteger();
		WelcomeMailer flaky = (message) -> {
			if (attempts.incrementAndGet() <= 2) {
				throw new MailSendException("421 4.7.0 Try again later");
			}
			return this.mailer.send(message);
		};

		FunctionRun run = FunctionTester.of(new WelcomeEmailFunction(flaky)).event(SIGNUP).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(run.step("send-email").attempts()).isEqualTo(3);
		assertThat(run.step("send-email").error()).contains("MailSendException: 421 4.7.0 Try again later");
		assertThat(run.elapsed()).as("15s and 30s of backoff, in virtual time").isEqualTo(Duration.ofSeconds(45));
		assertThat(this.mailer.sentMessages()).hasSize(1);
	}

	@Test
	void outageFailsTheRunAfterTheDefaultRetries() {
		this.outage.setEnabled(true);

		FunctionRun run = FunctionTester.of(new WelcomeEmailFunction(this.mailer)).event(SIGNUP).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).as("retries = 4: five attempts").isEqualTo(5);
		assertThat(run.error()).isInstanceOf(StepFailedException.class)
			.hasMessageContaining("Step 'send-email' failed")
			.hasCauseInstanceOf(EmailOutageException.class);
		assertThat(run.step("send-email")).satisfies((step) -> {
			assertThat(step.status()).isEqualTo(StepStatus.FAILED);
			assertThat(step.attempts()).isEqualTo(5);
			assertThat(step.error()).contains("Simulated email provider outage");
		});
		assertThat(this.mailer.sentMessages()).isEmpty();
	}

	@Test
	void outageWithTheRetriesOfTheIntegrationTestFailsAfterTwoAttempts() {
		this.outage.setEnabled(true);

		FunctionRun run = FunctionTester.of(new WelcomeEmailFunction(this.mailer)).retries(1).event(SIGNUP).execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.step("send-email").attempts()).isEqualTo(2);
	}

	@Test
	void outageEndingDuringTheRetriesLetsTheEmailThrough() {
		this.outage.setEnabled(true);
		AtomicInteger attempts = new AtomicInteger();
		WelcomeMailer recovering = (message) -> {
			if (attempts.incrementAndGet() == 4) {
				this.outage.setEnabled(false);
			}
			return this.mailer.send(message);
		};

		FunctionRun run = FunctionTester.of(new WelcomeEmailFunction(recovering)).event(SIGNUP).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.step("send-email").attempts()).isEqualTo(4);
		assertThat(this.mailer.sentMessages()).extracting(WelcomeMessage::to).containsExactly("ada@example.com");
	}

	@Test
	void mockedSendReplacesTheMailer() {
		FunctionRun run = FunctionTester.of(new WelcomeEmailFunction(this.mailer))
			.event(SIGNUP)
			.mockStep("send-email", new EmailReceipt("ada@example.com", "Welcome", "mock"))
			.execute();

		assertThat(run.output(EmailReceipt.class).via()).isEqualTo("mock");
		assertThat(this.mailer.sentMessages()).isEmpty();
	}

}
