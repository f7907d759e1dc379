package dev.fanout;

/**
 * A send rejected because it is too large: too many events, or an event whose payload is
 * over the limit. An {@link IllegalArgumentException} like every other rejected send, so
 * that callers who need to (the HTTP event API answers 413 rather than 400) can tell size
 * from shape.
 *
 * @since 0.1.0
 */
public class EventLimitExceededException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message names the event and the limit
	 */
	public EventLimitExceededException(String message) {
		super(message);
	}

}
