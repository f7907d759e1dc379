package dev.fanout.autoconfigure.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.Event;
import dev.fanout.EventLimitExceededException;
import dev.fanout.SendResult;

/**
 * Handles {@code POST {base}/e/{eventKey}}: checks the key, reads the body within its
 * limit, and sends all its events in one transaction, or none. Answers {@code {"ids":
 * [...], "status": 200}} as Inngest does, or {@code {"error": "...", "status": ...}}.
 */
final class EventApiHandler {

	/**
	 * How many times the largest event payload a request body may be: room for a few
	 * large events or thousands of small ones, and a bound on what one request holds in
	 * memory.
	 */
	static final int BODY_SIZE_FACTOR = 10;

	private final EventKeys keys;

	private final EventRequestReader reader;

	private final Function<List<Event>, SendResult> sender;

	private final JsonMapper mapper;

	private final int maxBodySize;

	/**
	 * Create a handler.
	 * @param keys the accepted keys
	 * @param reader reads the events of a body
	 * @param sender sends all the events of one request in one transaction
	 * @param mapper writes the responses
	 * @param maxBodySize the largest body read, in bytes
	 */
	EventApiHandler(EventKeys keys, EventRequestReader reader, Function<List<Event>, SendResult> sender,
			JsonMapper mapper, int maxBodySize) {
		this.keys = keys;
		this.reader = reader;
		this.sender = sender;
		this.mapper = mapper;
		this.maxBodySize = maxBodySize;
	}

	/**
	 * The largest body read for a payload limit.
	 * @param maxPayloadSize fanout.events.max-payload-size, in bytes
	 * @return {@link #BODY_SIZE_FACTOR} times that, within what an array can hold
	 */
	static int maxBodySize(long maxPayloadSize) {
		// With room to spare, as the body is read one byte past the limit.
		return (int) Math.min(maxPayloadSize * BODY_SIZE_FACTOR, Integer.MAX_VALUE - 16);
	}

	ServerResponse send(ServerRequest request) {
		try {
			if (!this.keys.accepts(request.pathVariables().get("eventKey"))) {
				throw new EventApiException(HttpStatus.UNAUTHORIZED,
						"event key not found: send to {base}/e/{key} with one of fanout.http.event-keys");
			}
			EventIdSeed seed = EventIdSeed.parse(request.headers().firstHeader(EventIdSeed.HEADER));
			List<Event> events = this.reader.read(body(request), seed);
			List<String> ids = events.isEmpty() ? List.of() : send(events).eventIds();
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("ids", ids);
			answer.put("status", HttpStatus.OK.value());
			return json(HttpStatus.OK, answer);
		}
		catch (EventApiException ex) {
			return error(ex.status(), ex.getMessage());
		}
	}

	/**
	 * Answer a request that names no key, such as {@code POST {base}/e}.
	 * @param request the request
	 * @return a 401 response
	 */
	ServerResponse missingKey(ServerRequest request) {
		return error(HttpStatus.UNAUTHORIZED,
				"event key missing: send to {base}/e/{key} with one of fanout.http.event-keys");
	}

	private SendResult send(List<Event> events) {
		try {
			return this.sender.apply(events);
		}
		catch (EventLimitExceededException ex) {
			throw EventApiException.tooLarge(ex.getMessage());
		}
		catch (IllegalArgumentException ex) {
			// The engine's own checks (name length, reserved names, id length): nothing
			// was stored.
			throw EventApiException.badRequest(ex.getMessage());
		}
	}

	/**
	 * Read the body, but never more than the limit: a body announced or found larger is
	 * refused before it fills the memory.
	 */
	private byte[] body(ServerRequest request) {
		OptionalLong length = request.headers().contentLength();
		if (length.isPresent() && length.getAsLong() > this.maxBodySize) {
			throw bodyTooLarge(length.getAsLong() + " bytes");
		}
		try (InputStream in = request.servletRequest().getInputStream()) {
			byte[] body = in.readNBytes(this.maxBodySize + 1);
			if (body.length > this.maxBodySize) {
				throw bodyTooLarge("more than " + this.maxBodySize + " bytes");
			}
			return body;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the event request body", ex);
		}
	}

	private EventApiException bodyTooLarge(String size) {
		return EventApiException.tooLarge("the request body is " + size + ": the limit is " + this.maxBodySize
				+ " bytes (" + BODY_SIZE_FACTOR + " times fanout.events.max-payload-size)");
	}

	private ServerResponse error(HttpStatus status, String message) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("error", message);
		answer.put("status", status.value());
		return json(status, answer);
	}

	private ServerResponse json(HttpStatus status, Map<String, Object> body) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.mapper.writeValueAsBytes(body));
	}

}
