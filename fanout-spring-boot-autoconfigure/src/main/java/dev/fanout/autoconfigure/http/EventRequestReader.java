package dev.fanout.autoconfigure.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.Event;

/**
 * Reads a request body in Inngest's event shape, one event or an array of them:
 * {@code {id?, name, data?, user?, ts? (epoch ms), v?}}; other fields are ignored. Every
 * event is checked before any is returned, and a problem names the event's index and the
 * field.
 */
final class EventRequestReader {

	private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
	};

	/** The last millisecond of 9999-12-31, the latest time every database can store. */
	private static final long LATEST_TS = 253_402_300_799_999L;

	private final JsonMapper mapper;

	private final int maxEvents;

	EventRequestReader(JsonMapper mapper, int maxEvents) {
		this.mapper = mapper;
		this.maxEvents = maxEvents;
	}

	/**
	 * Read the events of a request body.
	 * @param body the body
	 * @param seed the request's id seed, or {@code null}
	 * @return the events, in request order
	 * @throws EventApiException (400) naming the first problem, or (413) when there are
	 * too many events
	 */
	List<Event> read(byte[] body, @Nullable EventIdSeed seed) {
		JsonNode root = parse(body);
		if (!root.isArray() && !root.isObject()) {
			throw EventApiException.badRequest("the body must be an event (a JSON object) or an array of events");
		}
		List<JsonNode> items = new ArrayList<>();
		if (root.isArray()) {
			root.forEach(items::add);
		}
		else {
			items.add(root);
		}
		if (items.size() > this.maxEvents) {
			throw EventApiException.tooLarge("the request holds " + items.size() + " events: the limit is "
					+ this.maxEvents + " (fanout.events.max-batch-size)");
		}
		List<Event> events = new ArrayList<>(items.size());
		for (int i = 0; i < items.size(); i++) {
			events.add(event(i, items.get(i), seed));
		}
		return events;
	}

	private JsonNode parse(byte[] body) {
		JsonNode root;
		try {
			root = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			TokenStreamLocation location = ex.getLocation();
			String where = (location != null)
					? " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")" : "";
			throw EventApiException.badRequest("malformed JSON: " + ex.getOriginalMessage() + where);
		}
		if (root == null || root.isMissingNode()) {
			throw EventApiException.badRequest("the body is empty: send an event or an array of events");
		}
		return root;
	}

	private Event event(int index, JsonNode node, @Nullable EventIdSeed seed) {
		if (!node.isObject()) {
			throw problem(index, "must be a JSON object");
		}
		JsonNode name = node.get("name");
		if (name == null) {
			throw problem(index, "field 'name' is missing");
		}
		if (!name.isString() || name.stringValue().isBlank()) {
			throw problem(index, "field 'name' must be a non-empty string");
		}
		String id = optionalString(index, node, "id");
		return Event.builder(name.stringValue())
			.id((id != null && !id.isEmpty()) ? id : (seed != null) ? seed.idFor(index) : null)
			.data(object(index, node, "data"))
			.user(object(index, node, "user"))
			.ts(timestamp(index, node))
			.v(optionalString(index, node, "v"))
			.build();
	}

	private Map<String, Object> object(int index, JsonNode event, String field) {
		JsonNode value = event.get(field);
		if (value == null || value.isNull()) {
			return new LinkedHashMap<>();
		}
		if (!value.isObject()) {
			throw problem(index, "field '" + field + "' must be a JSON object");
		}
		return this.mapper.convertValue(value, OBJECT);
	}

	private static @Nullable String optionalString(int index, JsonNode event, String field) {
		JsonNode value = event.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw problem(index, "field '" + field + "' must be a string");
		}
		return value.stringValue();
	}

	private static @Nullable Instant timestamp(int index, JsonNode event) {
		JsonNode value = event.get("ts");
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong()) {
			throw problem(index, "field 'ts' must be a whole number of epoch milliseconds");
		}
		long millis = value.longValue();
		if (millis < 0 || millis > LATEST_TS) {
			throw problem(index, "field 'ts' must be epoch milliseconds from 0 to " + LATEST_TS + " (year 9999)");
		}
		// 0 means "not set", as the Inngest SDKs read it: the time received.
		return (millis != 0) ? Instant.ofEpochMilli(millis) : null;
	}

	private static EventApiException problem(int index, String problem) {
		return EventApiException.badRequest("event " + index + ": " + problem);
	}

}
