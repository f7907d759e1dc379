package dev.fanout.sample;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import dev.fanout.RunStatus;
import dev.fanout.test.FanoutRuns;
import dev.fanout.test.FanoutRunsExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's Actuator over real HTTP: after a signup, Prometheus shows fanout's meters
 * with their tags (the context, and so the counts, may be shared with other tests),
 * {@code /actuator/fanout} the functions, and the health includes fanout.
 */
@ExtendWith(FanoutRunsExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ActuatorIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void prometheusTheFanoutEndpointAndTheHealthShowASignup(FanoutRuns runs) {
		SampleHttpClient client = new SampleHttpClient(this.port);
		JsonNode created = SampleHttpClient.json(client.signUp("metrics@example.com", "correct horse battery"));
		runs.awaitEvent(created.get("eventId").asString(), RunStatus.COMPLETED);

		HttpResponse<String> prometheus = client.get("/actuator/prometheus");
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(prometheus.body()).contains(
				"fanout_runs_ended_total{application=\"sample-signup-app\",function=\"send-welcome-email\",status=\"COMPLETED\"}",
				"fanout_events_sent_total{application=\"sample-signup-app\",source=\"api\"}",
				"fanout_run_schedule_to_start_seconds_count{application=\"sample-signup-app\",function=\"start-stripe-trial\"}",
				// Prometheus keeps "_total" for counters: the gauge
				// fanout.worker.slots.total loses it.
				"fanout_worker_slots{application=\"sample-signup-app\"} 8.0",
				"fanout_worker_slots_available{application=\"sample-signup-app\"} 8.0",
				"fanout_runs_backlog{application=\"sample-signup-app\",function=\"send-welcome-email\"}");

		JsonNode fanout = SampleHttpClient.json(client.get("/actuator/fanout"));
		assertThat(fanout.get("functions").findValuesAsString("id")).containsExactlyInAnyOrder("send-welcome-email",
				"start-stripe-trial");
		JsonNode health = SampleHttpClient.json(client.get("/actuator/health"));
		assertThat(health.get("components").get("fanout").get("status").asString()).isEqualTo("UP");
	}

}
