package dev.fanout.store;

import java.util.List;

/**
 * What a send finds of the pending matchers of its events' names: those found by no key,
 * with their runs' triggers, and the paths of those found by key, whose values the send
 * reads from its events to look them up with {@link RunStore#keyedWaits}.
 *
 * @param unkeyed the matchers found by no key
 * @param paths the event names and paths of the matchers found by key
 * @since 0.1.0
 */
public record WaitLookup(List<PendingWait> unkeyed, List<Path> paths) {

	/** Nothing pending. */
	public static final WaitLookup NONE = new WaitLookup(List.of(), List.of());

	/**
	 * Where matchers of an event name read their key on an arriving event.
	 *
	 * @param eventName the event name
	 * @param path the path, such as {@code data.user.id}
	 */
	public record Path(String eventName, String path) {
	}

	/**
	 * A key to look matchers up by.
	 *
	 * @param eventName the event name
	 * @param path the path on the arriving event
	 * @param key the arriving event's value there
	 */
	public record Key(String eventName, String path, String key) {
	}

}
