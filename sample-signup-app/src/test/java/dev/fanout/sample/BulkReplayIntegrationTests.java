package dev.fanout.sample;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.sample.email.LocalMailStandIn;
import dev.fanout.sample.email.WelcomeMessage;
import dev.fanout.test.FanoutRuns;
import dev.fanout.test.FanoutRunsExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's Bulk Replay story over HTTP: during an email outage twenty signups fail
 * their welcome email while their Stripe trials complete; once the outage is over, one
 * replay call re-runs exactly the failed welcome emails, and Stripe is not called again.
 */
@ExtendWith(FanoutRunsExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.email.outage=true", "fanout.functions.send-welcome-email.retries=1",
				"fanout.retry.backoff=10ms", "sample.stripe.api-key=sk_test_fanout_sample" })
@ActiveProfiles("test")
class BulkReplayIntegrationTests {

	private static final int USERS = 20;

	private static final StubStripeApi stripe = StubStripeApi.start();

	@DynamicPropertySource
	static void providers(DynamicPropertyRegistry registry) {
		registry.add("sample.stripe.api-base", stripe::baseUrl);
	}

	@AfterAll
	static void stopStripe() {
		stripe.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	LocalMailStandIn mail;

	@Test
	void oneReplayCallResendsExactlyTheFailedWelcomeEmails(FanoutRuns runs) {
		SampleHttpClient client = new SampleHttpClient(this.port);
		List<String> eventIds = new ArrayList<>();
		for (String email : emails()) {
			HttpResponse<String> signup = client.signUp(email, "correct horse battery");
			assertThat(signup.statusCode()).isEqualTo(201);
			eventIds.add(SampleHttpClient.json(signup).get("eventId").asString());
		}
		List<String> failedEmails = new ArrayList<>();
		for (String eventId : eventIds) {
			failedEmails.add(runs
				.awaitEvent(eventId,
						Map.of("send-welcome-email", RunStatus.FAILED, "start-stripe-trial", RunStatus.COMPLETED))
				.run("send-welcome-email")
				.runId());
		}
		int stripeCalls = stripe.requests().size();
		assertThat(stripeCalls).isEqualTo(2 * USERS);
		assertThat(this.mail.sentMessages()).isEmpty();
		JsonNode failed = SampleHttpClient
			.json(client.get("/fanout/api/runs?function=send-welcome-email&status=FAILED&limit=100"));
		assertThat(failed.get("runs").findValuesAsString("runId")).containsExactlyInAnyOrderElementsOf(failedEmails);

		assertThat(client.post("/admin/email-outage", "{\"enabled\": false}").statusCode()).isEqualTo(200);
		HttpResponse<String> replay = client.post("/fanout/api/replays",
				"{\"id\": \"email-outage-1\", \"function\": \"send-welcome-email\", \"status\": \"FAILED\"}");

		assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
		List<String> replayed = SampleHttpClient.json(replay)
			.get("runIds")
			.valueStream()
			.map(JsonNode::asString)
			.toList();
		assertThat(replayed).hasSize(USERS).doesNotContainAnyElementsOf(failedEmails);
		for (String runId : replayed) {
			RunInfo run = runs.awaitRun(runId, RunStatus.COMPLETED);
			assertThat(run.functionId()).isEqualTo("send-welcome-email");
		}
		// One welcome email per user, and Stripe was not called again.
		assertThat(this.mail.sentMessages()).extracting(WelcomeMessage::to)
			.containsExactlyInAnyOrderElementsOf(emails());
		assertThat(stripe.requests()).hasSize(stripeCalls);
		// Sending the same replay request again replays nothing more.
		HttpResponse<String> again = client.post("/fanout/api/replays",
				"{\"id\": \"email-outage-1\", \"function\": \"send-welcome-email\", \"status\": \"FAILED\"}");
		assertThat(SampleHttpClient.json(again).get("runIds").valueStream().map(JsonNode::asString))
			.containsExactlyElementsOf(replayed);
		assertThat(SampleHttpClient
			.json(client.get("/fanout/api/runs?function=send-welcome-email&status=COMPLETED&limit=100"))
			.get("runs")).hasSize(USERS);
	}

	private static List<String> emails() {
		List<String> emails = new ArrayList<>();
		for (int i = 0; i < USERS; i++) {
			emails.add("user" + i + "@example.com");
		}
		return emails;
	}

}
