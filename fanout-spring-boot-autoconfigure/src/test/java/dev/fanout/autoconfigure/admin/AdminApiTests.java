package dev.fanout.autoconfigure.admin;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.autoconfigure.DashboardApps;
import dev.fanout.autoconfigure.RunningApp;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestFunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The admin API over real HTTP, on H2 and PostgreSQL: runs with filters and a cursor, one
 * run, cancel, replay (once per request id) and functions with their counts, and its
 * access rules.
 */
public class AdminApiTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@RegisterExtension
	final DashboardApps apps = new DashboardApps();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void listsRunsByFunctionAndStatusPageByPage(TestDatabase database) {
		RunningApp app = start(database);
		List<String> failed = failInvoices(app, 3);
		JsonNode first = json(app.get("/fanout/api/runs?function=send-invoice&status=FAILED&limit=2"), 200);
		assertThat(first.get("runs").findValuesAsString("runId")).containsExactly(failed.get(2), failed.get(1));
		assertThat(first.get("runs").get(0).get("steps").get(1).get("error").asString()).contains("mail provider down");
		assertThat(first.get("runs").get(0).get("steps").get(0).get("output").asString()).isEqualTo("invoice-2.pdf");
		String cursor = first.get("nextCursor").asString();
		JsonNode second = json(app.get("/fanout/api/runs?function=send-invoice&status=FAILED&limit=2&cursor=" + cursor),
				200);
		assertThat(second.get("runs").findValuesAsString("runId")).containsExactly(failed.get(0));
		assertThat(second.get("nextCursor").isNull()).isTrue();
		String eventId = app.bean(FanoutAdmin.class).run(failed.get(1)).orElseThrow().eventId();
		assertThat(json(app.get("/fanout/api/runs?eventId=" + eventId), 200).get("runs").findValuesAsString("runId"))
			.containsExactly(failed.get(1));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void readsOneRunAndCancelsIt(TestDatabase database) {
		RunningApp app = start(database);
		String runId = app.bean(EventSender.class).send("app/nap.requested", Map.of()).runIds().get(0);
		await().until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow().status() == RunStatus.SLEEPING);
		JsonNode run = json(app.get("/fanout/api/runs/" + runId), 200);
		assertThat(run.get("functionId").asString()).isEqualTo("nap");
		assertThat(run.get("status").asString()).isEqualTo("SLEEPING");
		JsonNode cancelled = json(app.post("/fanout/api/runs/" + runId + "/cancel", ""), 200);
		assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(cancelled.get("error").asString()).isEqualTo("Cancelled by FanoutAdmin");
		assertThat(json(app.get("/fanout/api/runs/nope"), 404).get("error").asString()).isEqualTo("No such run");
		assertThat(app.post("/fanout/api/runs/nope/cancel", "").statusCode()).isEqualTo(404);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void replaysFailedRunsOncePerRequestId(TestDatabase database) {
		RunningApp app = start(database);
		List<String> failed = failInvoices(app, 2);
		String request = """
				{"id": "replay-42", "function": "send-invoice", "status": "FAILED", "mode": "RESUME"}""";
		JsonNode replay = json(app.post("/fanout/api/replays", request), 200);
		assertThat(replay.get("requestId").asString()).isEqualTo("replay-42");
		assertThat(replay.get("runIds").valueStream().map(JsonNode::asString)).containsExactlyElementsOf(failed);
		for (String runId : failed) {
			await().until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow().status() == RunStatus.COMPLETED);
		}
		JsonNode again = json(app.post("/fanout/api/replays", request), 200);
		assertThat(again.get("runIds")).isEqualTo(replay.get("runIds"));
		// Rendered once per run: RESUME kept the completed step.
		assertThat(app.bean(Invoices.class).renders).hasValue(2);
		assertThat(app.bean(Invoices.class).deliveries).hasValue(2);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void listsFunctionsWithTheirTriggersAndRunCounts(TestDatabase database) {
		RunningApp app = start(database);
		failInvoices(app, 2);
		JsonNode functions = json(app.get("/fanout/api/functions"), 200).get("functions");
		assertThat(functions.findValuesAsString("id")).containsExactlyInAnyOrder("send-invoice", "nap");
		JsonNode invoices = functions.valueStream()
			.filter((function) -> function.get("id").asString().equals("send-invoice"))
			.findFirst()
			.orElseThrow();
		assertThat(invoices.get("triggers").get(0).asString()).isEqualTo("app/invoice.created");
		assertThat(invoices.get("runs").get("FAILED").asLong()).isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void answersBadParametersWith400NamingThem(TestDatabase database) {
		RunningApp app = start(database);
		assertThat(json(app.get("/fanout/api/runs?status=LOST"), 400).get("error").asString())
			.startsWith("'status' must be one of [QUEUED, RUNNING");
		assertThat(json(app.get("/fanout/api/runs?from=yesterday"), 400).get("error").asString())
			.startsWith("'from' must be an ISO-8601 instant");
		assertThat(json(app.get("/fanout/api/runs?limit=5000"), 400).get("error").asString())
			.isEqualTo("limit must be 1 to 1000, not 5000");
		assertThat(json(app.post("/fanout/api/replays", "{\"status\": \"FAILED\"}"), 400).get("error").asString())
			.isEqualTo("The replay needs 'function', the id of the function to replay");
		assertThat(json(app.post("/fanout/api/replays", "{\"function\": \"send-invoice\", \"mode\": \"AGAIN\"}"), 400)
			.get("error")
			.asString()).isEqualTo("'mode' must be one of [FRESH, RESUME], not 'AGAIN'");
		assertThat(app.post("/fanout/api/replays", "{not json").statusCode()).isEqualTo(400);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void requiresTheAdminTokenWhenOneIsSet(TestDatabase database) {
		RunningApp app = start(database, "fanout.http.admin-token=s3cret-token");
		assertThat(app.get("/fanout/api/functions").statusCode()).isEqualTo(401);
		assertThat(app.get("/fanout/api/functions", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
		assertThat(app.post("/fanout/api/replays", "{\"function\": \"send-invoice\"}", "Authorization", "s3cret-token")
			.statusCode()).isEqualTo(401);
		assertThat(app.get("/fanout/api/functions", "Authorization", "Bearer s3cret-token").statusCode())
			.isEqualTo(200);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void onLoopbackServesOnlyLocalRequestsAddressedToALoopbackHost(TestDatabase database) {
		RunningApp app = start(database);
		assertThat(app.statusWithHost("/fanout/api/functions", "localhost:8080")).isEqualTo(200);
		assertThat(app.statusWithHost("/fanout/api/functions", "[::1]")).isEqualTo(200);
		assertThat(app.statusWithHost("/fanout/api/functions", "evil.example")).as("a DNS-rebinding page")
			.isEqualTo(403);
		HttpResponse<String> proxied = app.get("/fanout/api/functions", "X-Forwarded-For", "203.0.113.9");
		assertThat(json(proxied, 403).get("error").asString())
			.isEqualTo("The admin API is served only to this machine, at localhost, without a proxy");
		assertThat(app.get("/fanout/api/functions", "Forwarded", "for=203.0.113.9").statusCode()).isEqualTo(403);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void refusesChangesThatAreNotJson(TestDatabase database) {
		RunningApp app = start(database);
		String runId = app.bean(EventSender.class).send("app/nap.requested", Map.of()).runIds().get(0);
		await().until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow().status() == RunStatus.SLEEPING);
		HttpResponse<String> form = app.postAs("/fanout/api/runs/" + runId + "/cancel",
				"application/x-www-form-urlencoded", "confirm=yes");
		assertThat(json(form, 415).get("error").asString())
			.isEqualTo("A request that changes something needs Content-Type: application/json");
		assertThat(app.postAs("/fanout/api/replays", "text/plain", "{\"function\": \"nap\"}").statusCode())
			.isEqualTo(415);
		assertThat(app.bean(FanoutAdmin.class).run(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void refusesAReplayOverTheLimitNamingTheCount(TestDatabase database) {
		RunningApp app = start(database, "fanout.replay.max-runs=1");
		List<String> failed = failInvoices(app, 2);
		JsonNode refused = json(
				app.post("/fanout/api/replays", "{\"id\": \"too-many\", \"function\": \"send-invoice\"}"), 400);
		assertThat(refused.get("error").asString())
			.isEqualTo("The replay selects 2 runs of 'send-invoice', more than fanout.replay.max-runs (1): narrow it "
					+ "with a time range, or raise the limit");
		for (String runId : failed) {
			assertThat(app.bean(FanoutAdmin.class).run(runId).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
		}
		String from = app.bean(FanoutAdmin.class).run(failed.get(1)).orElseThrow().createdAt().toString();
		JsonNode narrowed = json(app.post("/fanout/api/replays", """
				{"id": "too-many", "function": "send-invoice", "from": "%s", "mode": "RESUME"}""".formatted(from)),
				200);
		assertThat(narrowed.get("runIds").valueStream().map(JsonNode::asString)).containsExactly(failed.get(1));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void listsThisApplicationsRunsUnlessTheRequestNamesAnother(TestDatabase database) {
		FreshDatabase db = this.apps.database(database);
		RunningApp app = this.apps.startOn(db, List.of(Invoices.class, Nap.class), "fanout.app-id=invoicing");
		FanoutEngine billing = FanoutEngine.builder(db.dataSource(), db.transactionManager())
			.settings(EngineSettings.builder("billing").pollInterval(Duration.ofMillis(50)).build())
			.functions(TestFunctions.definitions(Backoff.defaults(), new JacksonPayloadSerializer(), new Billing()))
			.build();
		billing.start();
		this.apps.close(billing::stop);
		String billed = billing.sender().send(Event.of("app/invoice.paid", Map.of())).runIds().get(0);
		await().until(() -> billing.admin().run(billed).orElseThrow().status() == RunStatus.COMPLETED);
		String own = failInvoices(app, 1).get(0);
		assertThat(json(app.get("/fanout/api/runs"), 200).get("runs").findValuesAsString("runId")).containsExactly(own);
		assertThat(json(app.get("/fanout/api/runs?app=billing"), 200).get("runs").findValuesAsString("runId"))
			.containsExactly(billed);
		assertThat(json(app.get("/fanout/api/runs?app=*"), 200).get("runs").findValuesAsString("runId"))
			.containsExactlyInAnyOrder(own, billed);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void servesNothingUnlessEnabled(TestDatabase database) {
		RunningApp app = this.apps.close(RunningApp.start(this.apps.database(database), List.of(Invoices.class)));
		assertThat(app.get("/fanout/api/functions").statusCode()).isEqualTo(404);
	}

	@Test
	void refusesToStartOnEveryAddressWithoutATokenOrSecurity() {
		FreshDatabase db = this.apps.database(TestDatabase.H2);
		assertThatException()
			.isThrownBy(() -> RunningApp.start(db, List.of(Invoices.class), "fanout.dashboard.enabled=true",
					"server.address=0.0.0.0"))
			.havingRootCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageStartingWith("fanout.dashboard.enabled=true would serve the admin API at /fanout/api/** to "
					+ "every address without protection (server.address is '0.0.0.0')");
	}

	private RunningApp start(TestDatabase database, String... properties) {
		return this.apps.start(database, List.of(Invoices.class, Nap.class), properties);
	}

	public static List<String> failInvoices(RunningApp app, int count) {
		Invoices invoices = app.bean(Invoices.class);
		invoices.outage.set(true);
		List<String> failed = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String runId = app.bean(EventSender.class).send("app/invoice.created", Map.of("number", i)).runIds().get(0);
			RunInfo run = await().atMost(Duration.ofSeconds(15))
				.until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow(), (r) -> r.status().isFinal());
			assertThat(run.status()).isEqualTo(RunStatus.FAILED);
			failed.add(runId);
		}
		invoices.outage.set(false);
		return failed;
	}

	private static JsonNode json(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		return JSON.readTree(response.body());
	}

	public static class Invoices {

		final AtomicBoolean outage = new AtomicBoolean();

		public final AtomicInteger renders = new AtomicInteger();

		final AtomicInteger deliveries = new AtomicInteger();

		@EventFunction(id = "send-invoice", event = "app/invoice.created", retries = 0)
		void send(Map<String, Object> data, StepContext step) {
			String pdf = step.run("render", () -> {
				this.renders.incrementAndGet();
				return "invoice-" + data.get("number") + ".pdf";
			});
			step.run("deliver", () -> {
				if (this.outage.get()) {
					throw new IllegalStateException("mail provider down: " + pdf);
				}
				this.deliveries.incrementAndGet();
			});
		}

	}

	static class Billing {

		@EventFunction(id = "record-payment", event = "app/invoice.paid")
		String record() {
			return "recorded";
		}

	}

	public static class Nap {

		@EventFunction(id = "nap", event = "app/nap.requested")
		void nap(StepContext step) {
			step.sleep("nap", Duration.ofMinutes(5));
		}

	}

}
