package dev.fanout.sample;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.sample.billing.TrialStarted;
import dev.fanout.sample.email.EmailOutage;
import dev.fanout.sample.email.EmailReceipt;
import dev.fanout.sample.email.LocalMailStandIn;
import dev.fanout.sample.email.WelcomeMessage;
import dev.fanout.test.EventRuns;
import dev.fanout.test.FanoutRuns;
import dev.fanout.test.FanoutRunsExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated email provider outage, on the local stand-ins (no SMTP host, no Stripe
 * key): the welcome email run fails after its retries while the Stripe trial run,
 * independent of it, completes. {@link FanoutRuns} awaits the runs.
 */
@ExtendWith(FanoutRunsExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.email.outage=true", "fanout.functions.send-welcome-email.retries=1",
				"fanout.retry.backoff=10ms" })
@ActiveProfiles("test")
class EmailOutageIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	LocalMailStandIn mailStandIn;

	@Autowired
	EmailOutage outage;

	SampleHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new SampleHttpClient(this.port);
	}

	@AfterEach
	void restoreOutageFromProperty() {
		this.outage.setEnabled(true);
	}

	@Test
	void outageFailsWelcomeEmailAfterItsRetriesWhileStripeTrialCompletes(FanoutRuns runs) {
		String eventId = signUp("outage@example.com");

		EventRuns signup = runs.awaitEvent(eventId,
				Map.of("send-welcome-email", RunStatus.FAILED, "start-stripe-trial", RunStatus.COMPLETED));

		RunInfo email = signup.run("send-welcome-email");
		assertThat(email.error()).contains("Simulated email provider outage");
		StepInfo sendEmail = email.steps().get(0);
		assertThat(sendEmail.key()).isEqualTo("send-email");
		assertThat(sendEmail.status()).isEqualTo(StepStatus.FAILED);
		assertThat(sendEmail.attempts()).isEqualTo(2);
		assertThat(sendEmail.error()).contains("EmailOutageException", "Simulated email provider outage");
		assertThat(sendEmail.endedAt()).isNotNull();
		assertThat(this.mailStandIn.sentMessages()).extracting(WelcomeMessage::to).doesNotContain("outage@example.com");

		RunInfo trial = signup.run("start-stripe-trial");
		assertThat(trial.steps()).extracting(StepInfo::key).containsExactly("create-customer", "create-subscription");
		assertThat(runs.output(trial, TrialStarted.class).customerId()).startsWith("cus_local_");
	}

	@Test
	void switchingTheOutageOffAtRuntimeLetsWelcomeEmailsThrough(FanoutRuns runs) {
		assertThat(SampleHttpClient.json(this.client.get("/admin/email-outage")).get("enabled").asBoolean()).isTrue();

		HttpResponse<String> switched = this.client.post("/admin/email-outage", "{\"enabled\": false}");

		assertThat(switched.statusCode()).isEqualTo(200);
		assertThat(SampleHttpClient.json(switched).get("enabled").asBoolean()).isFalse();
		String eventId = signUp("recovered@example.com");
		RunInfo email = runs.awaitEvent(eventId, RunStatus.COMPLETED).run("send-welcome-email");
		assertThat(runs.output(email, EmailReceipt.class).via()).isEqualTo("local stand-in (not sent)");
		assertThat(this.mailStandIn.sentMessages()).extracting(WelcomeMessage::to).contains("recovered@example.com");
	}

	@Test
	void rejectsOutageChangeWithoutEnabled() {
		assertThat(this.client.post("/admin/email-outage", "{}").statusCode()).isEqualTo(400);
		assertThat(this.outage.isEnabled()).isTrue();
	}

	private String signUp(String email) {
		HttpResponse<String> response = this.client.signUp(email, "correct horse battery");
		assertThat(response.statusCode()).isEqualTo(201);
		return SampleHttpClient.json(response).get("eventId").asString();
	}

}
