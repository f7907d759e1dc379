package dev.fanout.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import dev.fanout.engine.run.WriteFailure;
import dev.fanout.engine.worker.Worker;

/**
 * Checks the faults of this instance that make its engine {@link EngineHealth down}: its
 * database, its group-commit writer and its listener for other instances' runs. Cheap
 * enough for a health endpoint polled every few seconds: one connection validity check,
 * the rest read from memory.
 */
final class HealthCheck {

	/** How long the database may take to answer the validity check. */
	private static final int VALID_TIMEOUT_SECONDS = 1;

	private final DataSource dataSource;

	private final Worker worker;

	private final Duration pollInterval;

	HealthCheck(DataSource dataSource, Worker worker, Duration pollInterval) {
		this.dataSource = dataSource;
		this.worker = worker;
		this.pollInterval = pollInterval;
	}

	EngineHealth check() {
		Map<String, Object> details = new LinkedHashMap<>();
		boolean database = database(details);
		boolean writer = writer(details);
		boolean listener = listener(details);
		return new EngineHealth(database && writer && listener, details);
	}

	private boolean database(Map<String, Object> details) {
		try (Connection connection = this.dataSource.getConnection()) {
			if (connection.isValid(VALID_TIMEOUT_SECONDS)) {
				details.put("database", "UP");
				return true;
			}
			details.put("database", "The connection is not valid");
		}
		catch (SQLException | RuntimeException ex) {
			details.put("database", String.valueOf(ex.getMessage()));
		}
		return false;
	}

	private boolean writer(Map<String, Object> details) {
		WriteFailure failure = this.worker.lastWriteFailure();
		if (failure == null) {
			details.put("writer", "UP");
			return true;
		}
		details.put("writer", failure.error());
		details.put("writerFailedAt", failure.at());
		return false;
	}

	/**
	 * Down once disconnected for longer than a poll interval: polling covers a short gap,
	 * not a long one.
	 */
	private boolean listener(Map<String, Object> details) {
		if (!this.worker.isListening()) {
			details.put("listener", "none");
			return true;
		}
		Instant since = this.worker.listenerDisconnectedSince();
		if (since == null) {
			details.put("listener", "connected");
			return true;
		}
		details.put("listener", "disconnected");
		details.put("listenerDisconnectedSince", since);
		return Duration.between(since, Instant.now()).compareTo(this.pollInterval) <= 0;
	}

}
