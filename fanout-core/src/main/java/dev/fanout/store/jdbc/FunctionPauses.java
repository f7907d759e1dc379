package dev.fanout.store.jdbc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Set;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;

import static dev.fanout.store.jdbc.Rows.time;

/**
 * Pauses and resumes an application's functions: a row of {@code fanout_paused_functions}
 * while a function is paused, which the claims read in their own statements (see
 * {@link Sql.Columns#notPaused}).
 */
final class FunctionPauses {

	private final JdbcOperations jdbc;

	private final Statements statements;

	private final String appId;

	FunctionPauses(JdbcOperations jdbc, Statements statements, String appId) {
		this.jdbc = jdbc;
		this.statements = statements;
		this.appId = appId;
	}

	/**
	 * See {@link dev.fanout.store.RunStore#pause}.
	 * @param functionId the function
	 * @param now the current time
	 * @return whether it was paused now
	 */
	boolean pause(String functionId, Instant now) {
		try {
			return this.jdbc.update(sql(Sql.PAUSE_FUNCTION), this.appId, functionId, time(now), this.appId,
					functionId) == 1;
		}
		catch (DuplicateKeyException ex) {
			// Paused at the same time elsewhere.
			return false;
		}
	}

	/**
	 * See {@link dev.fanout.store.RunStore#resume}.
	 * @param functionId the function
	 * @param now the current time
	 * @return whether it was paused
	 */
	boolean resume(String functionId, Instant now) {
		if (this.jdbc.update(sql(Sql.RESUME_FUNCTION), this.appId, functionId) == 0) {
			return false;
		}
		OffsetDateTime at = time(now);
		this.jdbc.update(sql(Sql.OPEN_GATES_OF_FUNCTION), at, at, this.appId, functionId);
		return true;
	}

	/**
	 * See {@link dev.fanout.store.RunStore#pausedFunctionIds}.
	 * @return the ids of this application's paused functions
	 */
	Set<String> pausedFunctionIds() {
		return new HashSet<>(this.jdbc.queryForList(sql(Sql.PAUSED_OF_APP), String.class, this.appId));
	}

	private String sql(Sql statement) {
		return this.statements.get(statement);
	}

}
