package dev.fanout.autoconfigure.remote;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.EventFunction;
import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepInfo;
import dev.fanout.engine.remote.RemoteApp;
import dev.fanout.engine.remote.RemoteCaller;
import dev.fanout.engine.remote.SigningKey;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Functions written with the official Inngest TypeScript SDK (inngest 4.24.0, in
 * {@code src/test/node/remote-app.mjs}), run by fanout end to end beside Java functions:
 * one event fans out to both, the TypeScript function's steps, sleep, wait, send,
 * parallel steps and retries are kept in fanout's tables, it survives a restart of the
 * fanout application without running a finished step again, Java invokes it, and its
 * failure handler runs. On one database and in one SDK mode per subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractRemoteFunctionsTests {

	static final String SIGNING_KEY = "signkey-test-" + "ab".repeat(32);

	private static final String EVENT_KEY = "remote-test-key";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private FreshDatabase database;

	private NodeApp node;

	private int port;

	private ConfigurableApplicationContext context;

	abstract TestDatabase database();

	/**
	 * Whether the app runs in cloud mode, with the signing key, rather than in dev mode.
	 */
	abstract boolean cloud();

	@BeforeAll
	void start() throws IOException {
		this.database = database().create();
		this.port = freePort();
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("INNGEST_BASE_URL", "http://127.0.0.1:" + this.port + "/fanout/");
		environment.put("INNGEST_EVENT_KEY", EVENT_KEY);
		environment.put(cloud() ? "INNGEST_SIGNING_KEY" : "INNGEST_DEV", cloud() ? SIGNING_KEY : "1");
		File log = new File("target", "remote-app-" + getClass().getSimpleName() + ".log");
		this.node = NodeApp.start(freePort(), environment, log);
		this.context = startFanout();
	}

	@AfterAll
	void stop() throws InterruptedException {
		try {
			if (this.context != null) {
				this.context.close();
			}
			this.node.close();
		}
		finally {
			this.database.close();
		}
	}

	@Test
	void oneEventRunsAJavaAndATypeScriptFunctionWhoseStepsFanoutKeeps() {
		String signup = send("app/user.signup", Map.of("userId", "u1", "plan", "pro"));
		RunInfo welcome = awaitRun(signup, "send-welcome", RunStatus.COMPLETED);
		assertThat(welcome.output()).isEqualTo("\"welcome u1\"");
		RunInfo waiting = awaitRun(signup, "crm-app-add-to-crm", RunStatus.WAITING);
		assertThat(waiting.appId()).isEqualTo("crm-app");
		send("app/user.approved", Map.of("userId", "someone else", "by", "nobody"));
		send("app/user.approved", Map.of("userId", "u1", "by", "ops"));
		RunInfo crm = awaitRun(signup, "crm-app-add-to-crm", RunStatus.COMPLETED);
		assertThat(JSON.readTree(crm.output())).isEqualTo(JSON.readTree("""
				{"contact": {"contactId": "c-u1"}, "tagged": "c-u1:pro", "approvedBy": "ops", "score": 42,
				 "flaky": "synced"}"""));
		// Steps are stored under their hashed ids, in the order they ended, memos
		// verbatim.
		assertThat(crm.steps()).hasSize(8).allSatisfy((step) -> assertThat(step.key()).matches("[0-9a-f]{40}"));
		assertThat(crm.steps().get(0).output()).isEqualTo("{\"data\":{\"contactId\":\"c-u1\"}}");
		assertThat(crm.steps().get(3).output()).contains("\"by\":\"ops\"");
		StepInfo flaky = crm.steps().get(7);
		assertThat(flaky.attempts()).isEqualTo(2);
		assertThat(flaky.error()).contains("the CRM timed out once");
		// The event sent by step.sendEvent reached a Java function through the HTTP event
		// API.
		RunInfo followUp = await().atMost(TIMEOUT)
			.until(() -> admin().runs(RunQuery.builder().function("crm-follow-up").build()),
					(runs) -> runs.stream().anyMatch((run) -> run.status() == RunStatus.COMPLETED))
			.get(0);
		assertThat(followUp.output()).isEqualTo("\"followed up c-u1:pro\"");
		for (String step : List.of("create-contact", "tag-contact", "score-left", "score-right")) {
			assertThat(this.node.count(step + ":u1")).as(step).isEqualTo(1);
		}
		assertThat(this.node.count("flaky:u1")).isEqualTo(2);
	}

	@Test
	void finishedStepsAreNotRunAgainAfterFanoutRestarts() {
		String signup = send("app/user.signup", Map.of("userId", "u2"));
		awaitRun(signup, "crm-app-add-to-crm", RunStatus.WAITING);
		this.context.close();
		this.context = startFanout();
		send("app/user.approved", Map.of("userId", "u2", "by", "night shift"));
		RunInfo crm = awaitRun(signup, "crm-app-add-to-crm", RunStatus.COMPLETED);
		assertThat(crm.output()).contains("\"approvedBy\":\"night shift\"");
		assertThat(this.node.count("create-contact:u2")).isEqualTo(1);
		assertThat(this.node.count("tag-contact:u2")).isEqualTo(1);
	}

	@Test
	void aNonRetriableErrorFailsTheRunAtOnceAndItsFailureHandlerRuns() {
		String fraud = send("app/fraud.suspected", Map.of("userId", "u3"));
		RunInfo refused = awaitRun(fraud, "crm-app-refuse-fraud", RunStatus.FAILED);
		assertThat(refused.attempts()).isEqualTo(1);
		assertThat(refused.error()).contains("fraud is never retried");
		await().atMost(TIMEOUT).until(() -> this.node.count("on-failure") == 1);
		assertThat(this.node.count("refuse-fraud")).isEqualTo(1);
		RunInfo handler = await().atMost(TIMEOUT)
			.until(() -> admin().runs(RunQuery.builder().function("crm-app-refuse-fraud-failure").build()),
					(runs) -> runs.size() == 1 && runs.get(0).status() == RunStatus.COMPLETED)
			.get(0);
		assertThat(handler.appId()).isEqualTo("crm-app");
	}

	@Test
	void aJavaFunctionInvokesATypeScriptOneAndGetsItsOutput() {
		String asked = send("app/multiply.asked", Map.of("x", 6, "y", 7));
		RunInfo run = awaitRun(asked, "ask-crm", RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("42");
	}

	@Test
	void theAdminApiSyncsAgainAndListsTheAppsFunctions() throws Exception {
		HttpResponse<String> sync = post("/fanout/api/apps/sync", "{}", "Content-Type", "application/json");
		assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
		JsonNode app = JSON.readTree(sync.body()).path("remoteApps").get(0);
		assertThat(app.path("appId").stringValue()).isEqualTo("crm-app");
		assertThat(app.path("sdk").stringValue()).isEqualTo("js:v4.24.0");
		assertThat(app.path("error").isNull()).isTrue();
		assertThat(app.path("functions").toString()).contains("crm-app-add-to-crm", "crm-app-refuse-fraud-failure",
				"crm-app-multiply");
		assertThat(app.path("refused").path("crm-app-bulky-orders").stringValue())
			.startsWith("Function 'crm-app-bulky-orders' of app 'crm-app' cannot run on fanout")
			.contains("'size' is not known");
		HttpResponse<String> listing = get("/fanout/api/functions?app=crm-app");
		assertThat(JSON.readTree(listing.body()).path("remoteApps").get(0).path("refused").has("crm-app-bulky-orders"))
			.isTrue();
		assertThat(JSON.readTree(listing.body()).path("functions").toString()).contains("crm-app-add-to-crm")
			.doesNotContain("crm-app-bulky-orders");
		assertThat(admin().functions()).anySatisfy((function) -> {
			assertThat(function.appId()).isEqualTo("crm-app");
			assertThat(function.id()).isEqualTo("crm-app-add-to-crm");
			assertThat(function.triggers()).containsExactly("app/user.signup");
		});
	}

	@Test
	void signaturesAreCheckedBothWays() throws Exception {
		if (!cloud()) {
			// In dev mode the SDK checks nothing; registration still needs a configured
			// key.
			HttpResponse<String> anyone = post("/fn/register", "{}", "Authorization", "Bearer undefined");
			assertThat(anyone.statusCode()).isEqualTo(401);
			return;
		}
		RemoteApp impostor = new RemoteApp(URI.create(this.node.url()),
				SigningKey.of("signkey-test-" + "cd".repeat(32)), Duration.ofSeconds(10));
		assertThatIllegalStateException().isThrownBy(() -> new RemoteCaller(Clock.systemUTC()).sync(impostor))
			.withMessageContaining("answered 401")
			.withMessageContaining("refused fanout's signature");
		String wrongBearer = SigningKey.of("signkey-test-" + "cd".repeat(32)).bearer();
		HttpResponse<String> refused = post("/fn/register", "{}", "Authorization", "Bearer " + wrongBearer);
		assertThat(refused.statusCode()).isEqualTo(401);
		HttpResponse<String> accepted = post("/fn/register",
				"""
						{"url": "%s?deployId=d1", "appName": "crm-app", "functions": [{"id": "crm-app-multiply", "name": "multiply",
						 "triggers": [{"event": "crm/multiply.requested"}], "steps": {"step": {"runtime": {"url":
						 "%s?deployId=d1&fnId=crm-app-multiply&stepId=step"}}}}]}"""
					.formatted(this.node.url(), this.node.url()),
				"Authorization", "Bearer " + SigningKey.of(SIGNING_KEY).bearer());
		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
		assertThat(JSON.readTree(accepted.body()).path("ok").asBoolean()).isTrue();
		// Put the whole app back for the other tests.
		post("/fanout/api/apps/sync", "{}", "Content-Type", "application/json");
	}

	private ConfigurableApplicationContext startFanout() {
		List<String> properties = new ArrayList<>(
				List.of("server.port=" + this.port, "server.address=127.0.0.1", "spring.main.banner-mode=off",
						"spring.application.name=signup-java", "spring.datasource.url=" + this.database.url(),
						"spring.datasource.username=" + this.database.username(),
						"spring.datasource.password=" + this.database.password(),
						"fanout.jdbc.initialize-schema=always", "fanout.worker.poll-interval=100ms",
						"fanout.retry.backoff=200ms", "fanout.retry.jitter=0", "fanout.http.event-keys=" + EVENT_KEY,
						"fanout.dashboard.enabled=true", "fanout.remote.registration.enabled=true",
						"fanout.remote.apps[0].url=" + this.node.url(), "fanout.remote.apps[0].call-timeout=20s"));
		if (cloud()) {
			properties.add("fanout.remote.apps[0].signing-key=" + SIGNING_KEY);
		}
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	private String send(String name, Map<String, Object> data) {
		return this.context.getBean(EventSender.class).send(name, data).eventIds().get(0);
	}

	private FanoutAdmin admin() {
		return this.context.getBean(FanoutAdmin.class);
	}

	private RunInfo awaitRun(String eventId, String functionId, RunStatus status) {
		return await().atMost(TIMEOUT)
			.until(() -> admin().runsForEvent(eventId)
				.stream()
				.filter((run) -> run.functionId().equals(functionId))
				.findFirst()
				.flatMap((run) -> admin().run(run.runId())), (run) -> run.isPresent() && run.get().status() == status)
			.orElseThrow();
	}

	private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(TIMEOUT)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		request.headers(headers);
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).timeout(TIMEOUT).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(JavaFunctions.class)
	static class App {

	}

	static class JavaFunctions {

		@EventFunction(id = "send-welcome", event = "app/user.signup")
		String welcome(Map<String, Object> data, StepContext step) {
			return step.run("greet", () -> "welcome " + data.get("userId"));
		}

		@EventFunction(id = "crm-follow-up", event = "app/crm.added")
		String followUp(Map<String, Object> data, StepContext step) {
			return step.run("follow-up", () -> "followed up " + data.get("tagged"));
		}

		@EventFunction(id = "ask-crm", event = "app/multiply.asked")
		Object ask(Map<String, Object> data, StepContext step) {
			Map<?, ?> product = step.invoke("multiply", "crm-app-multiply", data, Map.class);
			return product.get("product");
		}

	}

}
