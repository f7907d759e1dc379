package dev.fanout.engine.run;

import java.time.Instant;

import org.springframework.core.NestedExceptionUtils;

/**
 * A failure of the writer that commits runs' writes together: its batch could not be
 * written, because the database refused or could not be reached.
 *
 * @param error what failed
 * @param at when
 * @since 0.1.0
 */
public record WriteFailure(String error, Instant at) {

	/**
	 * A failure that happened now, described by its message and its root cause's, which
	 * says what the database answered (a wrapping exception such as "Could not open JDBC
	 * Connection" does not).
	 * @param failure what the write threw
	 * @return the failure
	 */
	static WriteFailure of(Throwable failure) {
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
		String error = (cause != failure) ? failure.getMessage() + ": " + cause : String.valueOf(failure);
		return new WriteFailure(error, Instant.now());
	}

}
