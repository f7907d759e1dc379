package dev.fanout.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.sample.email.EmailOutage;
import dev.fanout.sample.email.LocalMailStandIn;
import dev.fanout.sample.email.WelcomeMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The simulated email provider outage, on the local stand-ins (no SMTP host, no Stripe
 * key): the welcome email run fails after its retries while the Stripe trial run,
 * independent of it, completes.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.email.outage=true", "fanout.functions.send-welcome-email.retries=1",
				"fanout.retry.backoff=10ms" })
@ActiveProfiles("test")
class EmailOutageIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	FanoutAdmin fanout;

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
	void outageFailsWelcomeEmailAfterItsRetriesWhileStripeTrialCompletes() {
		String eventId = signUp("outage@example.com");

		List<RunInfo> runs = awaitFinalRuns(eventId);

		RunInfo email = run(runs, "send-welcome-email");
		assertThat(email.status()).isEqualTo(RunStatus.FAILED);
		assertThat(email.error()).contains("Simulated email provider outage");
		StepInfo sendEmail = email.steps().get(0);
		assertThat(sendEmail.key()).isEqualTo("send-email");
		assertThat(sendEmail.status()).isEqualTo(StepStatus.FAILED);
		assertThat(sendEmail.attempts()).isEqualTo(2);
		assertThat(sendEmail.error()).contains("EmailOutageException", "Simulated email provider outage");
		assertThat(sendEmail.endedAt()).isNotNull();
		assertThat(this.mailStandIn.sentMessages()).extracting(WelcomeMessage::to).doesNotContain("outage@example.com");

		RunInfo trial = run(runs, "start-stripe-trial");
		assertThat(trial.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(trial.steps()).extracting(StepInfo::key).containsExactly("create-customer", "create-subscription");
		assertThat(SampleHttpClient.json(trial.output()).get("customerId").asString()).startsWith("cus_local_");
	}

	@Test
	void switchingTheOutageOffAtRuntimeLetsWelcomeEmailsThrough() {
		assertThat(SampleHttpClient.json(this.client.get("/admin/email-outage")).get("enabled").asBoolean()).isTrue();

		HttpResponse<String> switched = this.client.post("/admin/email-outage", "{\"enabled\": false}");

		assertThat(switched.statusCode()).isEqualTo(200);
		assertThat(SampleHttpClient.json(switched).get("enabled").asBoolean()).isFalse();
		String eventId = signUp("recovered@example.com");
		RunInfo email = run(awaitFinalRuns(eventId), "send-welcome-email");
		assertThat(email.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(SampleHttpClient.json(email.output()).get("via").asString()).isEqualTo("local stand-in (not sent)");
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

	private List<RunInfo> awaitFinalRuns(String eventId) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> this.fanout.runsForEvent(eventId),
					(runs) -> runs.size() == 2 && runs.stream().allMatch((run) -> run.status().isFinal()));
	}

	private static RunInfo run(List<RunInfo> runs, String functionId) {
		return runs.stream().filter((run) -> run.functionId().equals(functionId)).findFirst().orElseThrow();
	}

}
