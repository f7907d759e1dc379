package dev.fanout.engine;

import java.util.Map;

/**
 * Whether this instance's engine can do its work: down only for faults of its own (the
 * database unreachable from it, its writer failing, its listener for other instances'
 * runs disconnected for longer than a poll interval), never because functions fail.
 *
 * @param up whether it is up
 * @param details what was checked, by name: {@code database}, {@code writer},
 * {@code listener}, each {@code UP} (or the listener's state) or what is wrong, with the
 * times of failures ({@code writerFailedAt}, {@code listenerDisconnectedSince}) as
 * {@link java.time.Instant}s
 * @since 0.1.0
 */
public record EngineHealth(boolean up, Map<String, Object> details) {

	public EngineHealth {
		details = Map.copyOf(details);
	}

}
