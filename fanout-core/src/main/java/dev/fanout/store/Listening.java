package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Listening for other instances' announcements of runs, as
 * {@link RunStore#listen(Runnable)} started it: closed to stop, and asked whether its
 * connection is down, for the engine's health.
 *
 * @since 0.1.0
 */
public interface Listening extends AutoCloseable {

	/** Listening where nothing is announced: never disconnected. */
	Listening NONE = () -> {
	};

	/**
	 * Since when the listener has had no connection, announcements meanwhile being lost.
	 * @return the time it lost (or had not yet opened) its connection, or {@code null}
	 * while connected or where nothing is announced
	 */
	default @Nullable Instant disconnectedSince() {
		return null;
	}

	/**
	 * Stop listening.
	 */
	@Override
	void close();

}
