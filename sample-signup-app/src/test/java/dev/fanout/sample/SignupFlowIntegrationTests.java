package dev.fanout.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.sample.StubStripeApi.Request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * A signup over real HTTP with the real providers' code paths: the welcome email goes
 * over SMTP to GreenMail, and the Stripe client talks HTTP to {@link StubStripeApi}; both
 * on local ports.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.mail.host=127.0.0.1", "sample.email.from=hello@signup.test",
				"sample.stripe.api-key=sk_test_fanout_sample", "sample.stripe.price-id=price_test_trial" })
@ActiveProfiles("test")
class SignupFlowIntegrationTests {

	private static final int SMTP_PORT = freePort();

	@RegisterExtension
	static final GreenMailExtension smtp = new GreenMailExtension(
			new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
		.withPerMethodLifecycle(false);

	private static final StubStripeApi stripe = StubStripeApi.start();

	@DynamicPropertySource
	static void providers(DynamicPropertyRegistry registry) {
		registry.add("spring.mail.port", () -> SMTP_PORT);
		registry.add("sample.stripe.api-base", stripe::baseUrl);
	}

	@AfterAll
	static void stopStripe() {
		stripe.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	FanoutAdmin fanout;

	SampleHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new SampleHttpClient(this.port);
	}

	@Test
	void signupSendsWelcomeMailOverSmtpAndStartsStripeTrial() throws Exception {
		HttpResponse<String> response = this.client.signUp("Ada@Example.com", "correct horse battery");

		assertThat(response.statusCode()).isEqualTo(201);
		JsonNode created = SampleHttpClient.json(response);
		long userId = created.get("userId").asLong();
		String eventId = created.get("eventId").asString();
		assertThat(response.headers().firstValue("Location")).hasValue("/users/" + userId);
		assertThat(created.get("runIds")).hasSize(2);

		List<RunInfo> runs = awaitFinalRuns(eventId);
		assertThat(runs).extracting(RunInfo::functionId, RunInfo::status)
			.containsExactlyInAnyOrder(tuple("send-welcome-email", RunStatus.COMPLETED),
					tuple("start-stripe-trial", RunStatus.COMPLETED));

		List<MimeMessage> mails = mailsTo("ada@example.com");
		assertThat(mails).hasSize(1);
		assertThat(mails.get(0).getFrom()).extracting(Object::toString).containsExactly("hello@signup.test");
		assertThat(mails.get(0).getSubject()).isEqualTo("Welcome to the fanout signup sample");
		assertThat(step(run(runs, "send-welcome-email"), "send-email").status()).isEqualTo(StepStatus.COMPLETED);

		RunInfo trial = run(runs, "start-stripe-trial");
		assertThat(trial.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("create-customer", StepStatus.COMPLETED),
					tuple("create-subscription", StepStatus.COMPLETED));
		JsonNode customer = SampleHttpClient.json(step(trial, "create-customer").output());
		JsonNode subscription = SampleHttpClient.json(step(trial, "create-subscription").output());
		String customerId = customer.get("id").asString();
		assertThat(customerId).startsWith("cus_stub_");
		assertThat(customer.get("email").asString()).isEqualTo("ada@example.com");
		assertThat(subscription.get("customerId").asString()).isEqualTo(customerId);
		assertThat(subscription.get("id").asString()).startsWith("sub_stub_");
		assertThat(subscription.get("status").asString()).isEqualTo("trialing");

		List<Request> customerRequests = stripeRequests("/v1/customers", "email", "ada@example.com");
		assertThat(customerRequests).singleElement().satisfies((request) -> {
			assertThat(request.method()).isEqualTo("POST");
			assertThat(request.form()).containsEntry("metadata[user_id]", Long.toString(userId));
			assertThat(request.headers()).containsEntry("authorization", "Bearer sk_test_fanout_sample")
				.containsKey("idempotency-key");
		});
		// The customer id stored by create-customer is what create-subscription sent to
		// Stripe.
		List<Request> subscriptionRequests = stripeRequests("/v1/subscriptions", "customer", customerId);
		assertThat(subscriptionRequests).singleElement().satisfies((request) -> {
			assertThat(request.method()).isEqualTo("POST");
			assertThat(request.form()).containsEntry("items[0][price]", "price_test_trial")
				.containsEntry("trial_period_days", "14");
		});
		JsonNode output = SampleHttpClient.json(trial.output());
		assertThat(output.get("customerId").asString()).isEqualTo(customerId);
		assertThat(output.get("subscriptionId").asString()).isEqualTo(subscription.get("id").asString());
		assertThat(output.get("trialDays").asInt()).isEqualTo(14);
	}

	@Test
	void userRunsAreServedAsJsonAndAsPage() {
		JsonNode created = SampleHttpClient.json(this.client.signUp("grace@example.com", "correct horse battery"));
		long userId = created.get("userId").asLong();
		awaitFinalRuns(created.get("eventId").asString());

		HttpResponse<String> runs = this.client.get("/users/" + userId + "/runs");

		assertThat(runs.statusCode()).isEqualTo(200);
		JsonNode body = SampleHttpClient.json(runs);
		assertThat(body.get("email").asString()).isEqualTo("grace@example.com");
		assertThat(body.get("signupEventId").asString()).isEqualTo(created.get("eventId").asString());
		assertThat(body.get("runs")).hasSize(2);
		JsonNode trial = body.get("runs")
			.valueStream()
			.filter((run) -> run.get("functionId").asString().equals("start-stripe-trial"))
			.findFirst()
			.orElseThrow();
		assertThat(trial.get("status").asString()).isEqualTo("COMPLETED");
		assertThat(trial.get("steps").get(0).get("key").asString()).isEqualTo("create-customer");
		assertThat(trial.get("steps").get(0).get("output").get("id").asString()).startsWith("cus_stub_");

		HttpResponse<String> page = this.client.get("/users/" + userId);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> type.startsWith("text/html"));
		assertThat(page.body()).contains("/runs");

		assertThat(this.client.get("/users/999999/runs").statusCode()).isEqualTo(404);
	}

	private List<RunInfo> awaitFinalRuns(String eventId) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> this.fanout.runsForEvent(eventId),
					(runs) -> runs.size() == 2 && runs.stream().allMatch((run) -> run.status().isFinal()));
	}

	private static List<MimeMessage> mailsTo(String recipient) throws Exception {
		List<MimeMessage> mails = new ArrayList<>();
		for (MimeMessage mail : smtp.getReceivedMessages()) {
			for (Address to : mail.getRecipients(Message.RecipientType.TO)) {
				if (to.toString().equals(recipient)) {
					mails.add(mail);
				}
			}
		}
		return mails;
	}

	private static List<Request> stripeRequests(String path, String parameter, String value) {
		return stripe.requests()
			.stream()
			.filter((request) -> request.path().equals(path) && value.equals(request.form().get(parameter)))
			.toList();
	}

	private static RunInfo run(List<RunInfo> runs, String functionId) {
		return runs.stream().filter((run) -> run.functionId().equals(functionId)).findFirst().orElseThrow();
	}

	private static StepInfo step(RunInfo run, String key) {
		return run.steps().stream().filter((step) -> step.key().equals(key)).findFirst().orElseThrow();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
