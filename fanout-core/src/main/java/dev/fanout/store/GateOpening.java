package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A gate that new runs wait behind: its row is created if need be and made due no later
 * than the runs, so that a claim looks at it.
 *
 * @param key the gate's key
 * @param appId the application of the function whose gate it is, or {@code null} for a
 * global one
 * @param functionId the function, or {@code null} for a global gate
 * @param due when the earliest of the runs is due
 * @since 0.1.0
 */
public record GateOpening(String key, @Nullable String appId, @Nullable String functionId, Instant due) {
}
