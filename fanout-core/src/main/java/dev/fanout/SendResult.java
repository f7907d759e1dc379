package dev.fanout;

import java.util.List;

/**
 * What a send did: the ids of the events, in the order given, and the ids of the runs it
 * created.
 *
 * @param eventIds the event ids
 * @param runIds the ids of the runs created by this send (none for a duplicate event)
 * @since 0.1.0
 */
public record SendResult(List<String> eventIds, List<String> runIds) {

	public SendResult {
		eventIds = List.copyOf(eventIds);
		runIds = List.copyOf(runIds);
	}

}
