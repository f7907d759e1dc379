package dev.fanout.autoconfigure.http;

import org.springframework.http.HttpStatus;

/**
 * A request the event API refuses, with the status and the message it answers.
 */
final class EventApiException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final HttpStatus status;

	EventApiException(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	static EventApiException badRequest(String message) {
		return new EventApiException(HttpStatus.BAD_REQUEST, message);
	}

	static EventApiException tooLarge(String message) {
		return new EventApiException(HttpStatus.CONTENT_TOO_LARGE, message);
	}

	HttpStatus status() {
		return this.status;
	}

}
