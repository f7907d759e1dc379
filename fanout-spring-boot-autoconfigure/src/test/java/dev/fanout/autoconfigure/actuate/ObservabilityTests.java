package dev.fanout.autoconfigure.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.EventFunction;
import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.autoconfigure.DashboardApps;
import dev.fanout.autoconfigure.RunningApp;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics, the Actuator endpoint and the health indicator of a running application, on H2
 * and PostgreSQL, over real HTTP: the counters and their tags after a fan-out where one
 * function fails, schedule-to-start, the gauges, {@code /actuator/fanout} and
 * {@code /actuator/health}.
 */
class ObservabilityTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@RegisterExtension
	final DashboardApps apps = new DashboardApps();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void countsAFanOutWhereOneFunctionFailsWithBoundedTags(TestDatabase database) {
		RunningApp app = start(database);
		SendResult sent = app.bean(EventSender.class).send("app/order.placed", Map.of("order", 7));
		for (String runId : sent.runIds()) {
			await().atMost(Duration.ofSeconds(15))
				.until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow().status().isFinal());
		}
		MeterRegistry meters = app.bean(MeterRegistry.class);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> count(meters, "fanout.runs.ended", "function", "charge-card", "status", "FAILED") == 1);
		assertThat(count(meters, "fanout.events.sent", "source", "api")).isEqualTo(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> count(meters, "fanout.events.sent", "source", "system") == 1);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> count(meters, "fanout.runs.ended", "function", "page-on-call", "status", "COMPLETED") == 1);
		assertThat(count(meters, "fanout.runs.created", "function", "ship-order")).isEqualTo(1);
		assertThat(count(meters, "fanout.runs.created", "function", "charge-card")).isEqualTo(1);
		assertThat(count(meters, "fanout.runs.ended", "function", "ship-order", "status", "COMPLETED")).isEqualTo(1);
		assertThat(count(meters, "fanout.steps.ended", "function", "ship-order", "outcome", "completed")).isEqualTo(2);
		assertThat(count(meters, "fanout.steps.ended", "function", "charge-card", "outcome", "failed")).isEqualTo(1);
		assertThat(meters.get("fanout.run.schedule-to-start").tag("function", "ship-order").timer().count())
			.isGreaterThanOrEqualTo(1);
		assertThat(meters.get("fanout.run.duration").tag("function", "ship-order").timer().count()).isEqualTo(1);
		assertThat(meters.get("fanout.step.duration").tag("function", "ship-order").timer().count()).isEqualTo(2);
		assertThat(meters.get("fanout.worker.slots.total").gauge().value()).isEqualTo(3);
		assertThat(meters.get("fanout.runs.backlog").tag("function", "ship-order").gauge().value()).isZero();
		assertThat(meters.find("fanout.runs.ended").meters()).allSatisfy((meter) -> {
			assertThat(meter.getId().getTag("application")).isEqualTo("shop");
			assertThat(meter.getId().getTags()).extracting(io.micrometer.core.instrument.Tag::getKey)
				.containsOnly("application", "function", "status");
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void countsEventsSentOverHttpApart(TestDatabase database) {
		RunningApp app = start(database, "fanout.http.event-keys=metrics-key");
		HttpResponse<String> sent = app.post("/fanout/e/metrics-key",
				"[{\"name\": \"app/noted\", \"data\": {}}, " + "{\"name\": \"app/noted\", \"data\": {}}]");
		assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
		MeterRegistry meters = app.bean(MeterRegistry.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> count(meters, "fanout.events.sent", "source", "http") == 2);
		assertThat(count(meters, "fanout.events.sent", "source", "api")).isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void theEndpointShowsTheWorkerTheFunctionsAndTheLastFailures(TestDatabase database) {
		RunningApp app = start(database);
		String runId = app.bean(EventSender.class).send("app/order.placed", Map.of("order", 8)).runIds().get(1);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow().status() == RunStatus.FAILED);
		JsonNode fanout = json(app.get("/actuator/fanout"));
		assertThat(fanout.get("application").asString()).isEqualTo("shop");
		assertThat(fanout.get("worker").get("slotsTotal").asInt()).isEqualTo(3);
		assertThat(fanout.get("worker").get("leaseOwner").asString()).isNotEmpty();
		assertThat(fanout.get("functions").findValuesAsString("id")).containsExactlyInAnyOrder("ship-order",
				"charge-card", "page-on-call");
		assertThat(fanout.get("lastFailures").get(0).get("runId").asString()).isEqualTo(runId);
		assertThat(fanout.get("lastFailures").get(0).get("error").asString()).contains("card declined");
		assertThat(fanout.get("paused")).isEmpty();
		app.bean(FanoutAdmin.class).pause("ship-order");
		assertThat(json(app.get("/actuator/fanout")).get("paused").valueStream().map(JsonNode::asString))
			.containsExactly("ship-order");
		assertThat(app.post("/actuator/fanout", "{}").statusCode()).as("read-only").isIn(404, 405);

		JsonNode health = json(app.get("/actuator/health"));
		assertThat(health.get("components").get("fanout").get("status").asString())
			.as("a failing function leaves the health UP")
			.isEqualTo("UP");
	}

	private RunningApp start(TestDatabase database, String... properties) {
		List<String> all = new java.util.ArrayList<>(List.of("fanout.app-id=shop", "fanout.worker.concurrency=3",
				"fanout.retry.backoff=10ms", "management.endpoints.web.exposure.include=health,fanout",
				"management.endpoint.health.show-components=always", "management.endpoint.health.show-details=always"));
		all.addAll(List.of(properties));
		return this.apps.start(database, List.of(Shop.class, Meters.class), all.toArray(String[]::new));
	}

	private static double count(MeterRegistry meters, String name, String... tags) {
		io.micrometer.core.instrument.Counter counter = meters.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static JsonNode json(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	@Configuration(proxyBeanMethods = false)
	static class Meters {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	static class Shop {

		@EventFunction(id = "ship-order", event = "app/order.placed")
		void ship(StepContext step) {
			step.run("pack", () -> "packed");
			step.run("ship", () -> "shipped");
		}

		@EventFunction(id = "page-on-call", event = "fanout/function.failed")
		String page() {
			return "paged";
		}

		@EventFunction(id = "charge-card", event = "app/order.placed", retries = 1)
		void charge(StepContext step) {
			step.run("charge", () -> {
				throw new IllegalStateException("card declined");
			});
		}

	}

}
