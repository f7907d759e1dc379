package dev.fanout.engine.sending;

import java.util.List;

import dev.fanout.Event;
import dev.fanout.SendResult;

/**
 * A sender for senders that resend a whole request after a failure they could not see the
 * end of (the HTTP event API): an event whose id was already seen within the dedup window
 * is not stored again, so that a retry stores nothing twice.
 *
 * @since 0.1.0
 */
public interface OnceSender {

	/**
	 * Send events as {@link dev.fanout.EventSender#sendAll(List)} does, except that an
	 * event already seen is not stored again.
	 * @param events the events
	 * @return their ids, in order, repeated ones included, and the runs created
	 * @throws IllegalArgumentException naming the first problem; nothing is stored
	 */
	SendResult sendAllOnce(List<Event> events);

}
