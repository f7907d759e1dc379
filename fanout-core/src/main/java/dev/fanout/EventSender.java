package dev.fanout;

import java.util.List;

/**
 * Sends events, creating one run for every function they trigger.
 * <p>
 * Transactional: inside a Spring transaction on the fanout {@code DataSource} the events
 * and their runs commit or roll back with the caller's data, and the runs start after the
 * commit; outside a transaction each call commits on its own.
 *
 * @since 0.1.0
 */
public interface EventSender {

	/**
	 * Send one event.
	 * @param event the event
	 * @return the event id and the runs created
	 */
	default SendResult send(Event event) {
		return sendAll(List.of(event));
	}

	/**
	 * Send an event built from a name and data.
	 * @param name the event name
	 * @param data a {@code Map}, a record or a POJO
	 * @return the event id and the runs created
	 */
	default SendResult send(String name, Object data) {
		return send(Event.of(name, data));
	}

	/**
	 * Send several events at once, all or none.
	 * @param events the events
	 * @return their ids, in order, and the runs created
	 */
	SendResult sendAll(List<Event> events);

}
