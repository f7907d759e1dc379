package dev.fanout.autoconfigure.http;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the HTTP event API's settings show on a real port: off until a key is set, the base
 * path, and the bound on a request body.
 */
class EventApiSettingsTests {

	private static final String EVENT = "{\"name\": \"http/settings\"}";

	@Test
	void withoutAnEventKeyThePathIsNotMapped() {
		try (EventApiServer server = EventApiServer.start(TestDatabase.H2.create())) {
			assertThat(server.post("/fanout/e/anything", EVENT).statusCode()).isEqualTo(404);
			assertThat(server.database().count("fanout_events")).isZero();
		}
	}

	@Test
	void blankEventKeysDoNotOpenTheApi() {
		try (EventApiServer server = EventApiServer.start(TestDatabase.H2.create(), "fanout.http.event-keys[0]= ")) {
			assertThat(server.post("/fanout/e/%20", EVENT).statusCode()).isEqualTo(404);
			assertThat(server.post("/fanout/e/", EVENT).statusCode()).isEqualTo(404);
		}
	}

	@Test
	void basePathIsServedWithALeadingAndWithoutATrailingSlash() {
		try (EventApiServer server = EventApiServer.start(TestDatabase.H2.create(), "fanout.http.event-keys=k1",
				"fanout.http.base-path=api/events/")) {
			assertThat(EventApiServer.ids(server.post("/api/events/e/k1", EVENT))).hasSize(1);
			assertThat(server.post("/fanout/e/k1", EVENT).statusCode()).isEqualTo(404);
		}
	}

	@Test
	void bodyOverTenTimesThePayloadLimitIsRefusedWith413() {
		try (EventApiServer server = EventApiServer.start(TestDatabase.H2.create(), "fanout.http.event-keys=k1",
				"fanout.events.max-payload-size=1KB")) {
			String body = "{\"name\": \"http/settings\", \"data\": {\"blob\": \"" + "x".repeat(11 * 1024) + "\"}}";
			HttpResponse<String> response = server.post("/fanout/e/k1", body);
			assertThat(response.statusCode()).isEqualTo(413);
			assertThat(EventApiServer.json(response).get("error").stringValue())
				.contains("the limit is 10240 bytes (10 times fanout.events.max-payload-size)");
			assertThat(server.database().count("fanout_events")).isZero();
		}
	}

}
