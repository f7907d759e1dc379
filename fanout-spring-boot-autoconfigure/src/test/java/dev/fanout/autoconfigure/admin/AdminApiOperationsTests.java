package dev.fanout.autoconfigure.admin;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.autoconfigure.DashboardApps;
import dev.fanout.autoconfigure.RunningApp;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin API's operations for the dashboard over real HTTP, on H2 and PostgreSQL:
 * cancel by filter and its preview, the replay preview, pause and resume, an event with
 * its runs; their bad parameters and their protection.
 */
class AdminApiOperationsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@RegisterExtension
	final DashboardApps apps = new DashboardApps();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void cancelsTheRunsAFilterSelectsAfterPreviewingTheirCount(TestDatabase database) {
		RunningApp app = start(database);
		List<String> naps = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			naps.add(sleeping(app));
		}
		assertThat(json(app.get("/fanout/api/cancellations/preview?function=nap&status=SLEEPING"), 200).get("count")
			.asInt()).isEqualTo(3);
		assertThat(
				json(app.get("/fanout/api/cancellations/preview?function=nap&status=QUEUED"), 200).get("count").asInt())
			.isZero();
		for (String runId : naps) {
			assertThat(admin(app).run(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
		}

		JsonNode cancelled = json(app.post("/fanout/api/cancellations", "{\"function\": \"nap\"}"), 200);
		assertThat(cancelled.get("count").asInt()).isEqualTo(3);
		assertThat(cancelled.get("runIds").valueStream().map(JsonNode::asString)).containsExactlyElementsOf(naps);
		for (String runId : naps) {
			assertThat(admin(app).run(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
		}
		assertThat(json(app.get("/fanout/api/cancellations/preview?function=nap"), 200).get("count").asInt()).isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void previewsAReplayWithoutQueuingAnything(TestDatabase database) {
		RunningApp app = start(database);
		List<String> failed = AdminApiTests.failInvoices(app, 2);
		JsonNode preview = json(app.get("/fanout/api/replays/preview?function=send-invoice&status=FAILED"), 200);
		assertThat(preview.get("count").asInt()).isEqualTo(2);
		String from = admin(app).run(failed.get(1)).orElseThrow().createdAt().toString();
		assertThat(json(app.get("/fanout/api/replays/preview?function=send-invoice&from=" + from), 200).get("count")
			.asInt()).isEqualTo(1);
		for (String runId : failed) {
			assertThat(admin(app).run(runId).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
		}
		assertThat(json(app.get("/fanout/api/runs?function=send-invoice"), 200).get("runs")).hasSize(2);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aPausedFunctionsRunsWaitQueuedUntilItIsResumed(TestDatabase database) {
		RunningApp app = start(database);
		JsonNode paused = json(app.post("/fanout/api/functions/send-invoice/pause", ""), 200);
		assertThat(paused.get("paused").asBoolean()).isTrue();
		String invoice = admin(app)
			.run(app.bean(EventSender.class).send("app/invoice.created", Map.of("number", 7)).runIds().get(0))
			.orElseThrow()
			.runId();
		sleeping(app);
		assertThat(admin(app).run(invoice).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
		JsonNode functions = json(app.get("/fanout/api/functions"), 200).get("functions");
		assertThat(functions.valueStream()
			.filter((function) -> function.get("paused").asBoolean())
			.map((function) -> function.get("id").asString())).containsExactly("send-invoice");

		assertThat(json(app.post("/fanout/api/functions/send-invoice/resume", ""), 200).get("paused").asBoolean())
			.isFalse();
		await().atMost(Duration.ofSeconds(15))
			.until(() -> admin(app).run(invoice).orElseThrow().status() == RunStatus.COMPLETED);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void readsAnEventWithTheRunsItStarted(TestDatabase database) {
		RunningApp app = start(database);
		String runId = sleeping(app);
		RunInfo run = admin(app).run(runId).orElseThrow();
		JsonNode event = json(app.get("/fanout/api/events/" + run.eventId()), 200);
		assertThat(event.get("name").asString()).isEqualTo("app/nap.requested");
		assertThat(event.get("data").get("minutes").asInt()).isEqualTo(5);
		assertThat(event.get("duplicate").asBoolean()).isFalse();
		assertThat(event.get("runs").findValuesAsString("runId")).containsExactly(runId);
		assertThat(event.get("runs").get(0).get("eventName").asString()).isEqualTo("app/nap.requested");
		assertThat(event.get("runs").get(0).get("steps").get(0).get("wakeAt").isNull()).isFalse();
		assertThat(json(app.get("/fanout/api/events/nope"), 404).get("error").asString()).isEqualTo("No such event");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void answersBadParametersOfTheNewOperationsWith400NamingThem(TestDatabase database) {
		RunningApp app = start(database);
		assertThat(error(app.post("/fanout/api/cancellations", "{\"status\": \"QUEUED\"}")))
			.isEqualTo("The cancellation needs 'function', the id of the function");
		assertThat(error(app.post("/fanout/api/cancellations", "{\"function\": \"nap\", \"status\": \"FAILED\"}")))
			.isEqualTo("Only QUEUED, RUNNING, SLEEPING or WAITING runs can be cancelled, not FAILED ones");
		assertThat(error(app.get("/fanout/api/cancellations/preview?function=nap&to=soon")))
			.startsWith("'to' must be an ISO-8601 instant");
		assertThat(error(app.get("/fanout/api/replays/preview?function=send-invoice&status=RUNNING")))
			.isEqualTo("Only FAILED, CANCELLED or COMPLETED runs can be replayed, not RUNNING ones");
		assertThat(error(app.get("/fanout/api/replays/preview?status=FAILED")))
			.isEqualTo("The replay needs 'function', the id of the function to replay");
		assertThat(error(app.post("/fanout/api/functions/unknown/pause", ""))).contains("'unknown'");
		assertThat(error(app.post("/fanout/api/cancellations", "{\"function\": \"unknown\"}"))).contains("'unknown'");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void theNewOperationsAreProtectedLikeTheOthers(TestDatabase database) {
		RunningApp app = start(database, "fanout.http.admin-token=s3cret-token-0123456789");
		String bearer = "Bearer s3cret-token-0123456789";
		assertThat(app.get("/fanout/api/events/any").statusCode()).isEqualTo(401);
		assertThat(app.get("/fanout/api/replays/preview?function=send-invoice").statusCode()).isEqualTo(401);
		assertThat(app.post("/fanout/api/functions/send-invoice/pause", "").statusCode()).isEqualTo(401);
		assertThat(app.post("/fanout/api/cancellations", "{\"function\": \"nap\"}").statusCode()).isEqualTo(401);
		assertThat(app
			.postAs("/fanout/api/functions/send-invoice/pause", "application/x-www-form-urlencoded", "",
					"Authorization", bearer)
			.statusCode()).isEqualTo(415);
		assertThat(json(app.get("/fanout/api/functions", "Authorization", bearer), 200).get("functions")
			.findValuesAsString("id")).containsExactlyInAnyOrder("send-invoice", "nap");
		assertThat(json(app.get("/fanout/api/replays/preview?function=send-invoice", "Authorization", bearer), 200)
			.get("count")
			.asInt()).isZero();
	}

	private RunningApp start(TestDatabase database, String... properties) {
		return this.apps.start(database, List.of(AdminApiTests.Invoices.class, AdminApiTests.Nap.class), properties);
	}

	private static String sleeping(RunningApp app) {
		String runId = app.bean(EventSender.class).send("app/nap.requested", Map.of("minutes", 5)).runIds().get(0);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> admin(app).run(runId).orElseThrow().status() == RunStatus.SLEEPING);
		return runId;
	}

	private static FanoutAdmin admin(RunningApp app) {
		return app.bean(FanoutAdmin.class);
	}

	private static String error(HttpResponse<String> response) {
		return json(response, 400).get("error").asString();
	}

	private static JsonNode json(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		return JSON.readTree(response.body());
	}

}
