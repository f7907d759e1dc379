package dev.fanout.sample;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.FanoutAdmin;
import dev.fanout.sample.signup.PasswordHasher;
import dev.fanout.sample.signup.SignupResponse;
import dev.fanout.sample.signup.SignupService;
import dev.fanout.test.FanoutRuns;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /signup}'s answers and what it stores: invalid input and duplicates store
 * and send nothing, and the password is kept only as a salted hash.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class SignupEndpointIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	FanoutAdmin fanout;

	@Autowired
	PasswordHasher passwordHasher;

	@Autowired
	SignupService signups;

	@Autowired
	PlatformTransactionManager transactionManager;

	SampleHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new SampleHttpClient(this.port);
	}

	@Test
	void rejectsInvalidEmailAndShortPasswordNamingBothFieldsAndStoresNothing() {
		long events = count("fanout_events");
		long runs = count("fanout_runs");

		HttpResponse<String> response = this.client.signUp("not-an-email", "short");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode errors = SampleHttpClient.json(response).get("errors");
		assertThat(errors.get("email").asString()).isEqualTo("must be a valid email address");
		assertThat(errors.get("password").asString()).isEqualTo("must be at least 8 characters");
		assertThat(usersWithEmail("not-an-email")).isZero();
		assertThat(count("fanout_events")).isEqualTo(events);
		assertThat(count("fanout_runs")).isEqualTo(runs);
	}

	@Test
	void rejectsMissingFields() {
		HttpResponse<String> response = this.client.post("/signup", "{}");

		assertThat(response.statusCode()).isEqualTo(400);
		JsonNode errors = SampleHttpClient.json(response).get("errors");
		assertThat(errors.get("email").asString()).isEqualTo("must not be empty");
		assertThat(errors.get("password").asString()).isEqualTo("must not be empty");
	}

	@Test
	void rejectsMalformedJson() {
		HttpResponse<String> response = this.client.post("/signup", "{\"email\": ");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(SampleHttpClient.json(response).get("errors").has("body")).isTrue();
	}

	@Test
	void rejectsSecondSignupWithSameEmailInAnyCaseAndSendsNoSecondEvent() {
		assertThat(this.client.signUp("twice@example.com", "correct horse battery").statusCode()).isEqualTo(201);
		long events = count("fanout_events");
		long runs = count("fanout_runs");

		HttpResponse<String> second = this.client.signUp(" Twice@Example.COM ", "another password");

		assertThat(second.statusCode()).isEqualTo(409);
		JsonNode problem = SampleHttpClient.json(second);
		assertThat(problem.get("detail").asString()).isEqualTo("An account with this email address already exists");
		assertThat(problem.get("errors").get("email").asString()).isEqualTo("is already registered");
		assertThat(usersWithEmail("twice@example.com")).isOne();
		assertThat(count("fanout_events")).isEqualTo(events);
		assertThat(count("fanout_runs")).isEqualTo(runs);
	}

	@Test
	void concurrentSignupsWithOneEmailCreateOneUser() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<HttpResponse<String>>> responses = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				responses.add(executor.submit(() -> this.client.signUp("race@example.com", "correct horse battery")));
			}
			List<Integer> statuses = new ArrayList<>();
			for (Future<HttpResponse<String>> response : responses) {
				statuses.add(response.get(30, TimeUnit.SECONDS).statusCode());
			}
			assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(usersWithEmail("race@example.com")).isOne();
	}

	@Test
	void signupRolledBackWithTheCallersTransactionLeavesNeitherUserNorEvent() {
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);

		SignupResponse response = transaction.execute((status) -> {
			status.setRollbackOnly();
			return this.signups.register("rolled-back@example.com", this.passwordHasher.hash("correct horse"));
		});

		assertThat(response.runIds()).hasSize(2);
		assertThat(usersWithEmail("rolled-back@example.com")).isZero();
		assertThat(this.jdbc.queryForObject("select count(*) from fanout_events where id = ?", Long.class,
				response.eventId()))
			.isZero();
		assertThat(this.fanout.runsForEvent(response.eventId())).isEmpty();
	}

	@Test
	void storesOnlyASaltedHashOfThePasswordAndNeverSendsOrLogsIt(CapturedOutput output) {
		String password = "s3cret-Passw0rd-for-hashing";
		HttpResponse<String> response = this.client.signUp("hashed@example.com", password);
		assertThat(response.statusCode()).isEqualTo(201);
		JsonNode created = SampleHttpClient.json(response);
		String eventId = created.get("eventId").asString();
		new FanoutRuns(this.fanout).awaitEventEnded(eventId);

		String hash = this.jdbc.queryForObject("select password_hash from users where id = ?", String.class,
				created.get("userId").asLong());
		assertThat(hash).doesNotContain(password).startsWith("pbkdf2-sha256$600000$");
		assertThat(this.passwordHasher.matches(password, hash)).isTrue();
		assertThat(this.passwordHasher.matches(password + "x", hash)).isFalse();
		String eventData = this.jdbc.queryForObject("select data from fanout_events where id = ?", String.class,
				eventId);
		assertThat(eventData).contains("hashed@example.com").doesNotContain(password).doesNotContain(hash);
		assertThat(this.jdbc.queryForList("select output from fanout_steps", String.class))
			.noneMatch((stepOutput) -> stepOutput != null && stepOutput.contains(password));
		assertThat(output.getAll()).doesNotContain(password);
	}

	private long count(String table) {
		return this.jdbc.queryForObject("select count(*) from " + table, Long.class);
	}

	private long usersWithEmail(String email) {
		return this.jdbc.queryForObject("select count(*) from users where email = ?", Long.class, email);
	}

}
