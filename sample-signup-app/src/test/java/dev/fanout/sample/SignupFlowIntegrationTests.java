package dev.fanout.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.sample.StubStripeApi.Request;
import dev.fanout.sample.billing.StripeCustomer;
import dev.fanout.sample.billing.TrialStarted;
import dev.fanout.sample.billing.TrialSubscription;
import dev.fanout.test.EventRuns;
import dev.fanout.test.FanoutRuns;
import dev.fanout.test.FanoutRunsExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A signup over real HTTP with the real providers' code paths: the welcome email goes
 * over SMTP to GreenMail, and the Stripe client talks HTTP to {@link StubStripeApi}; both
 * on local ports. {@link FanoutRuns} awaits the runs.
 */
@ExtendWith(FanoutRunsExtension.class)
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

	SampleHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new SampleHttpClient(this.port);
	}

	@Test
	void signupSendsWelcomeMailOverSmtpAndStartsStripeTrial(FanoutRuns runs) throws Exception {
		HttpResponse<String> response = this.client.signUp("Ada@Example.com", "correct horse battery");

		assertThat(response.statusCode()).isEqualTo(201);
		JsonNode created = SampleHttpClient.json(response);
		long userId = created.get("userId").asLong();
		String eventId = created.get("eventId").asString();
		assertThat(response.headers().firstValue("Location")).hasValue("/users/" + userId);
		assertThat(created.get("runIds")).hasSize(2);

		EventRuns signup = runs.awaitEvent(eventId, RunStatus.COMPLETED);
		assertThat(signup.runs()).extracting(RunInfo::functionId)
			.containsExactlyInAnyOrder("send-welcome-email", "start-stripe-trial");

		List<MimeMessage> mails = mailsTo("ada@example.com");
		assertThat(mails).hasSize(1);
		assertThat(mails.get(0).getFrom()).extracting(Object::toString).containsExactly("hello@signup.test");
		assertThat(mails.get(0).getSubject()).isEqualTo("Welcome to the fanout signup sample");
		assertThat(FanoutRuns.step(signup.run("send-welcome-email"), "send-email").status())
			.isEqualTo(StepStatus.COMPLETED);

		RunInfo trial = signup.run("start-stripe-trial");
		assertThat(trial.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("create-customer", StepStatus.COMPLETED),
					tuple("create-subscription", StepStatus.COMPLETED));
		StripeCustomer customer = runs.stepOutput(trial, "create-customer", StripeCustomer.class);
		TrialSubscription subscription = runs.stepOutput(trial, "create-subscription", TrialSubscription.class);
		String customerId = customer.id();
		assertThat(customerId).startsWith("cus_stub_");
		assertThat(customer.email()).isEqualTo("ada@example.com");
		assertThat(subscription.customerId()).isEqualTo(customerId);
		assertThat(subscription.id()).startsWith("sub_stub_");
		assertThat(subscription.status()).isEqualTo("trialing");

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
		assertThat(runs.output(trial, TrialStarted.class))
			.isEqualTo(new TrialStarted(customerId, subscription.id(), 14));
	}

	@Test
	void userRunsAreServedAsJsonAndAsPage(FanoutRuns runs) {
		JsonNode created = SampleHttpClient.json(this.client.signUp("grace@example.com", "correct horse battery"));
		long userId = created.get("userId").asLong();
		runs.awaitEvent(created.get("eventId").asString(), RunStatus.COMPLETED);

		HttpResponse<String> userRuns = this.client.get("/users/" + userId + "/runs");

		assertThat(userRuns.statusCode()).isEqualTo(200);
		JsonNode body = SampleHttpClient.json(userRuns);
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

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
