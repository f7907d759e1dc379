package dev.fanout.engine.run;

import java.time.Instant;

/**
 * A failure of the writer that commits runs' writes together: its batch could not be
 * written, because the database refused or could not be reached.
 *
 * @param error what failed
 * @param at when
 * @since 0.1.0
 */
public record WriteFailure(String error, Instant at) {
}
