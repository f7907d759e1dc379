package dev.fanout.autoconfigure.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.Event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EventRequestReader}: Inngest's event shape, and errors that name the
 * event and the field.
 */
class EventRequestReaderTests {

	private final EventRequestReader reader = new EventRequestReader(JsonMapper.builder().build(), 3);

	@Test
	void readsEveryFieldOfInngestsShape() {
		Event event = read("""
				{"id": "e1", "name": "app/a", "data": {"n": 1}, "user": {"id": "u"}, "ts": 1700000000000, "v": "2"}
				""").get(0);
		assertThat(event.id()).isEqualTo("e1");
		assertThat(event.name()).isEqualTo("app/a");
		assertThat(event.data()).isEqualTo(Map.of("n", 1));
		assertThat(event.user()).isEqualTo(Map.of("id", "u"));
		assertThat(event.ts()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
		assertThat(event.v()).isEqualTo("2");
	}

	@Test
	void missingOrNullOptionalFieldsGetDefaults() {
		Instant before = Instant.now();
		Event event = read("{\"name\": \"app/a\", \"id\": \"\", \"data\": null, \"user\": null, \"ts\": 0}").get(0);
		assertThat(event.id()).hasSize(26);
		assertThat(event.data()).isEmpty();
		assertThat(event.user()).isEmpty();
		assertThat(event.ts()).isAfterOrEqualTo(before);
		assertThat(event.v()).isNull();
	}

	@Test
	void problemsNameTheEventAndTheField() {
		assertBadRequest("[{\"name\": \"a\"}, 7]", "event 1: must be a JSON object");
		assertBadRequest("[{\"name\": \"a\"}, {\"name\": \" \"}]", "event 1: field 'name' must be a non-empty string");
		assertBadRequest("{\"name\": 5}", "event 0: field 'name' must be a non-empty string");
		assertBadRequest("{\"name\": \"a\", \"user\": \"bob\"}", "event 0: field 'user' must be a JSON object");
		assertBadRequest("{\"name\": \"a\", \"id\": 12}", "event 0: field 'id' must be a string");
		assertBadRequest("{\"name\": \"a\", \"v\": 1}", "event 0: field 'v' must be a string");
		assertBadRequest("{\"name\": \"a\", \"ts\": \"2024-01-01\"}", "event 0: field 'ts' must be a whole number");
		assertBadRequest("{\"name\": \"a\", \"ts\": 1.5}", "event 0: field 'ts' must be a whole number");
		assertBadRequest("{\"name\": \"a\", \"ts\": -1}", "event 0: field 'ts' must be epoch milliseconds");
		assertBadRequest("\"app/a\"", "the body must be an event (a JSON object) or an array of events");
		assertBadRequest("", "the body is empty");
	}

	@Test
	void tooManyEventsAreTooLarge() {
		assertThatExceptionOfType(EventApiException.class)
			.isThrownBy(() -> read("[{\"name\": \"a\"}, {\"name\": \"a\"}, {\"name\": \"a\"}, {\"name\": \"a\"}]"))
			.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(413))
			.withMessage("the request holds 4 events: the limit is 3 (fanout.events.max-batch-size)");
	}

	private List<Event> read(String body) {
		return this.reader.read(body.getBytes(StandardCharsets.UTF_8), null);
	}

	private void assertBadRequest(String body, String message) {
		assertThatExceptionOfType(EventApiException.class).as(body)
			.isThrownBy(() -> read(body))
			.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(400))
			.withMessageStartingWith(message);
	}

}
