package dev.fanout.autoconfigure.http;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.internal.Ids;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP event API over a real port, on one database per subclass: Inngest's event
 * shape, keys, errors that store nothing, limits, and retries made idempotent by the
 * event id seed (issue 7).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractEventApiTests {

	private static final String PATH = "/fanout/e/";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private EventApiServer server;

	abstract TestDatabase database();

	@BeforeAll
	void startServer() {
		this.server = EventApiServer.start(database().create(), "fanout.http.event-keys=old-key,new-key");
	}

	@AfterAll
	void stopServer() {
		this.server.close();
	}

	@Test
	void oneEventIsStoredAndItsRunCompletes() {
		String name = uniqueName();
		long ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
		HttpResponse<String> response = this.server.post(PATH + "new-key", """
				{"name": "%s", "data": {"email": "ada@example.com"}, "user": {"id": 7}, "ts": %d, "v": "1",
				 "extra": "ignored"}
				""".formatted(name, ts));
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		List<String> ids = EventApiServer.ids(response);
		assertThat(ids).singleElement().satisfies((id) -> assertThat(id).hasSize(26));
		RunInfo run = this.server.awaitCompletedRun(ids.get(0));
		assertThat(run.functionId()).isEqualTo(EventApiServer.FUNCTION_ID);
		assertThat(run.output()).isEqualTo("\"welcome ada@example.com\"");
		Map<String, Object> row = this.server.eventRows(ids.get(0)).get(0);
		assertThat(row).containsEntry("name", name).containsEntry("v", "1").containsEntry("duplicate", false);
		assertThat(row.get("data").toString()).isEqualTo("{\"email\":\"ada@example.com\"}");
		assertThat(row.get("user_data").toString()).isEqualTo("{\"id\":7}");
		assertThat(timestamp(row.get("ts"))).isEqualTo(Instant.ofEpochMilli(ts));
	}

	@Test
	void anArrayIsStoredInOneGoAndIdsComeBackInRequestOrder() {
		String name = uniqueName();
		String explicitId = "order-" + UUID.randomUUID();
		HttpResponse<String> response = this.server.post(PATH + "new-key", """
				[{"name": "%1$s", "data": {"email": "a@example.com"}},
				 {"name": "%1$s", "id": "%2$s", "data": null},
				 {"name": "%1$s"}]
				""".formatted(name, explicitId));
		List<String> ids = EventApiServer.ids(response);
		assertThat(ids).hasSize(3).doesNotHaveDuplicates();
		assertThat(ids.get(1)).isEqualTo(explicitId);
		for (String id : ids) {
			this.server.awaitCompletedRun(id);
			assertThat(this.server.eventRows(id)).singleElement()
				.satisfies((row) -> assertThat(row).containsEntry("name", name));
		}
		assertThat(this.server.eventRows(ids.get(2)).get(0).get("data").toString()).isEqualTo("{}");
	}

	@Test
	void wrongKeyIsRefusedWith401AndNothingIsStored() {
		List<Integer> before = this.server.rowCounts();
		HttpResponse<String> response = this.server.post(PATH + "not-a-key", event(uniqueName()));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(EventApiServer.json(response).get("error").stringValue()).contains("event key");
		assertThat(EventApiServer.json(response).get("status").intValue()).isEqualTo(401);
		assertThat(this.server.rowCounts()).isEqualTo(before);
	}

	@Test
	void missingKeyIsRefusedWith401() {
		assertThat(this.server.post("/fanout/e", event(uniqueName())).statusCode()).isEqualTo(401);
		assertThat(this.server.post("/fanout/e/", event(uniqueName())).statusCode()).isEqualTo(401);
	}

	@Test
	void everyConfiguredKeyIsAcceptedSoKeysCanBeRotated() {
		assertThat(EventApiServer.ids(this.server.post(PATH + "old-key", event(uniqueName())))).hasSize(1);
		assertThat(EventApiServer.ids(this.server.post(PATH + "new-key", event(uniqueName())))).hasSize(1);
		assertThat(this.server.post(PATH + "old-keyx", event(uniqueName())).statusCode()).isEqualTo(401);
		assertThat(this.server.post(PATH + "old-ke", event(uniqueName())).statusCode()).isEqualTo(401);
	}

	@Test
	void malformedJsonIsRefusedWith400() {
		List<Integer> before = this.server.rowCounts();
		HttpResponse<String> response = this.server.post(PATH + "new-key", "[{\"name\": \"http/x\", ");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(EventApiServer.json(response).get("error").stringValue()).startsWith("malformed JSON: ")
			.contains("line 1");
		assertThat(EventApiServer.json(response).get("status").intValue()).isEqualTo(400);
		assertThat(this.server.rowCounts()).isEqualTo(before);
	}

	@Test
	void missingNameInAnArrayIsRefusedWith400AndNothingOfTheRequestIsStored() {
		String name = uniqueName();
		List<Integer> before = this.server.rowCounts();
		HttpResponse<String> response = this.server.post(PATH + "new-key", """
				[{"name": "%s", "data": {}}, {"data": {"email": "b@example.com"}}]
				""".formatted(name));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(EventApiServer.json(response).get("error").stringValue())
			.isEqualTo("event 1: field 'name' is missing");
		assertThat(this.server.rowCounts()).isEqualTo(before);
		assertThat(this.server.database()
			.jdbc()
			.queryForObject("SELECT COUNT(*) FROM fanout_events WHERE name = ?", Integer.class, name)).isZero();
	}

	@Test
	void dataThatIsNotAnObjectIsRefusedWith400() {
		List<Integer> before = this.server.rowCounts();
		HttpResponse<String> response = this.server.post(PATH + "new-key",
				"{\"name\": \"" + uniqueName() + "\", \"data\": [1, 2]}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(EventApiServer.json(response).get("error").stringValue())
			.isEqualTo("event 0: field 'data' must be a JSON object");
		assertThat(this.server.rowCounts()).isEqualTo(before);
	}

	@Test
	void moreEventsThanTheBatchLimitAreRefusedWith413() {
		String name = uniqueName();
		String body = IntStream.range(0, 5001)
			.mapToObj((i) -> "{\"name\": \"" + name + "\"}")
			.collect(Collectors.joining(",", "[", "]"));
		List<Integer> before = this.server.rowCounts();
		HttpResponse<String> response = this.server.post(PATH + "new-key", body);
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(EventApiServer.json(response).get("error").stringValue()).contains("5001 events")
			.contains("the limit is 5000 (fanout.events.max-batch-size)");
		assertThat(this.server.rowCounts()).isEqualTo(before);
	}

	@Test
	void eventPayloadOverTheLimitIsRefusedWith413NamingTheEvent() {
		String name = uniqueName();
		List<Integer> before = this.server.rowCounts();
		HttpResponse<String> response = this.server.post(PATH + "new-key", """
				[{"name": "%1$s"}, {"name": "%1$s", "data": {"blob": "%2$s"}}]
				""".formatted(name, "x".repeat(513 * 1024)));
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(EventApiServer.json(response).get("error").stringValue()).startsWith("Event 1 ")
			.contains("fanout.events.max-payload-size");
		assertThat(this.server.rowCounts()).isEqualTo(before);
	}

	@Test
	void retriedRequestWithTheSameSeedGetsTheSameIdsAndStoresNothingTwice() {
		String name = uniqueName();
		String explicitId = "seeded-" + UUID.randomUUID();
		long millis = System.currentTimeMillis();
		byte[] entropy = UUID.randomUUID().toString().substring(0, 10).getBytes();
		String seed = millis + "," + Base64.getEncoder().encodeToString(entropy);
		String body = """
				[{"name": "%1$s"}, {"name": "%1$s", "id": "%2$s"}, {"name": "%1$s"}]
				""".formatted(name, explicitId);
		List<String> first = EventApiServer.ids(this.server.post(PATH + "new-key", body, EventIdSeed.HEADER, seed));
		List<Integer> afterFirst = this.server.rowCounts();
		List<String> retried = EventApiServer.ids(this.server.post(PATH + "new-key", body, EventIdSeed.HEADER, seed));
		assertThat(retried).isEqualTo(first);
		assertThat(first).containsExactly(Ids.seeded(millis, entropy, 0), explicitId, Ids.seeded(millis, entropy, 2));
		assertThat(this.server.rowCounts()).isEqualTo(afterFirst);
		for (String id : first) {
			assertThat(this.server.eventRows(id)).hasSize(1);
			this.server.awaitCompletedRun(id);
		}
		assertThat(this.server.database()
			.jdbc()
			.queryForObject("SELECT COUNT(*) FROM fanout_runs WHERE event_id IN (?, ?, ?)", Integer.class,
					first.toArray()))
			.isEqualTo(3);
	}

	@Test
	void malformedSeedIsRefusedWith400() {
		List<Integer> before = this.server.rowCounts();
		HttpResponse<String> response = this.server.post(PATH + "new-key", event(uniqueName()), EventIdSeed.HEADER,
				"yesterday,abc");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(EventApiServer.json(response).get("error").stringValue()).contains(EventIdSeed.HEADER);
		assertThat(this.server.rowCounts()).isEqualTo(before);
	}

	@Test
	void futureTimestampDelaysTheRunUntilThen() {
		Instant ts = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
		HttpResponse<String> response = this.server.post(PATH + "new-key",
				"{\"name\": \"" + uniqueName() + "\", \"ts\": " + ts.toEpochMilli() + "}");
		String id = EventApiServer.ids(response).get(0);
		assertThat(this.server.admin().runsForEvent(id)).singleElement()
			.satisfies((run) -> assertThat(run.status()).isEqualTo(RunStatus.QUEUED));
		Object due = this.server.database()
			.jdbc()
			.queryForObject("SELECT due_at FROM fanout_runs WHERE event_id = ?", Object.class, id);
		assertThat(timestamp(due)).isEqualTo(ts);
	}

	@Test
	void aStringNoDatabaseStoresAsItIsIsRefusedWith400NamingTheField() {
		String name = uniqueName();
		List<Integer> before = this.server.rowCounts();
		List<String> bodies = List.of("{\"name\": \"%s\", \"id\": \"a\\u0000b\"}",
				"{\"name\": \"%s\", \"id\": \"a\\ud800\"}",
				"[{\"name\": \"%s\"}, {\"name\": \"%1$s\", \"data\": {\"user\": {\"name\": \"Ada\\u0000\"}}}]",
				"{\"name\": \"%s\", \"user\": {\"id\": \"\\udc00\"}}", "{\"name\": \"%s\", \"v\": \"1\\u0000\"}");
		List<String> fields = List.of("id contains a NUL character", "id contains an unpaired UTF-16 surrogate",
				"Event 1 ('" + name + "'): data.user.name contains a NUL character",
				"user.id contains an unpaired UTF-16 surrogate", "v contains a NUL character");
		for (int i = 0; i < bodies.size(); i++) {
			HttpResponse<String> response = this.server.post(PATH + "new-key", bodies.get(i).formatted(name));
			assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
			assertThat(EventApiServer.json(response).get("error").stringValue()).contains(fields.get(i));
		}
		assertThat(this.server.rowCounts()).isEqualTo(before);
	}

	@Test
	void aTimestampMoreThanAYearAheadIsRefusedWith400NamingTs() {
		long ts = Instant.now().plus(400, ChronoUnit.DAYS).toEpochMilli();
		List<Integer> before = this.server.rowCounts();
		HttpResponse<String> response = this.server.post(PATH + "new-key",
				"{\"name\": \"" + uniqueName() + "\", \"ts\": " + ts + "}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(EventApiServer.json(response).get("error").stringValue()).contains(": ts ")
			.contains("is more than a year ahead");
		assertThat(this.server.rowCounts()).isEqualTo(before);
	}

	@Test
	void anIdSeenBeforeIsNotStoredAgainAndGetsItsIdBack() {
		String name = uniqueName();
		String id = "once-" + UUID.randomUUID();
		String body = "[{\"name\": \"%1$s\", \"id\": \"%2$s\"}, {\"name\": \"%1$s\", \"id\": \"%2$s\"}]".formatted(name,
				id);
		assertThat(EventApiServer.ids(this.server.post(PATH + "new-key", body))).containsExactly(id, id);
		assertThat(EventApiServer.ids(this.server.post(PATH + "new-key", body))).containsExactly(id, id);
		assertThat(this.server.eventRows(id)).hasSize(1);
		this.server.awaitCompletedRun(id);
		assertThat(this.server.admin().runsForEvent(id)).hasSize(1);
	}

	@Test
	void reservedEventNamesAreRefusedWith400() {
		HttpResponse<String> response = this.server.post(PATH + "new-key", event("fanout/function.failed"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(EventApiServer.json(response).get("error").stringValue()).contains("reserved");
	}

	@Test
	void inngestSdkSendsOneEventAndAnArray() {
		InngestSdk.Result result = InngestSdk.send(this.server.baseUrl(), "new-key");
		assertThat(result.exitCode()).as(result.toString()).isZero();
		JsonNode sent = JSON.readTree(result.stdout());
		List<String> ids = new ArrayList<>();
		sent.get("single").forEach((id) -> ids.add(id.stringValue()));
		sent.get("batch").forEach((id) -> ids.add(id.stringValue()));
		assertThat(ids).as(result.toString()).hasSize(3).doesNotHaveDuplicates();
		assertThat(ids.get(2)).startsWith("sdk-explicit-id-");
		for (String id : ids) {
			assertThat(this.server.eventRows(id)).singleElement()
				.satisfies((row) -> assertThat(row).containsEntry("name", "sdk/user.signup"));
			assertThat(this.server.awaitCompletedRun(id).output()).asString().startsWith("\"welcome ");
		}
		Map<String, Object> single = this.server.eventRows(ids.get(0)).get(0);
		assertThat(single.get("data").toString()).isEqualTo("{\"email\":\"ada@example.com\",\"plan\":\"pro\"}");
		assertThat(single.get("user_data").toString()).isEqualTo("{\"id\":42}");
		assertThat(this.server.eventRows(ids.get(2)).get(0)).containsEntry("v", "2024-01-01");
	}

	@Test
	void inngestSdkWithAWrongKeyFails() {
		InngestSdk.Result result = InngestSdk.send(this.server.baseUrl(), "wrong-key");
		assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
		assertThat(result.stderr()).contains("401");
	}

	@Test
	void inngestSdkBaseUrlWithoutTheTrailingSlashMissesTheApi() {
		String withoutSlash = this.server.baseUrl().substring(0, this.server.baseUrl().length() - 1);
		InngestSdk.Result result = InngestSdk.send(withoutSlash, "new-key");
		// new URL("e/new-key", "http://host/fanout") is http://host/e/new-key.
		assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
		assertThat(result.stderr()).contains("404");
	}

	private static String event(String name) {
		return "{\"name\": \"" + name + "\", \"data\": {\"email\": \"x@example.com\"}}";
	}

	private static String uniqueName() {
		return "http/test-" + UUID.randomUUID();
	}

	private static Instant timestamp(Object value) {
		if (value instanceof OffsetDateTime offset) {
			return offset.toInstant();
		}
		if (value instanceof java.sql.Timestamp timestamp) {
			return timestamp.toInstant();
		}
		throw new IllegalArgumentException("not a timestamp: " + value.getClass());
	}

}
