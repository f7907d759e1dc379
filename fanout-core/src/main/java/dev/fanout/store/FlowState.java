package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The state of one key of a control decided when an event is sent, as the send that
 * locked it reads and writes it: what {@code at} means depends on the control (a rate
 * limit's theoretical arrival time, an idempotency key's expiry, when a debounce window
 * opened), and a debounced or batched key has its open run, a batch with its size. A key
 * never seen before has none of them.
 *
 * @param key the state key, of the control's kind, function and key value
 * @param at the control's time, or {@code null} for none
 * @param runId the key's open run, or {@code null}
 * @param size how many events the open batch holds
 * @since 0.1.0
 */
public record FlowState(String key, @Nullable Instant at, @Nullable String runId, int size) {

	/**
	 * The state of a key never seen, or whose state outlived its use.
	 * @param key the state key
	 * @return the state, empty
	 */
	public static FlowState empty(String key) {
		return new FlowState(key, null, null, 0);
	}

	/**
	 * This state with another time.
	 * @param at the time
	 * @return the changed state
	 */
	public FlowState at(Instant at) {
		return new FlowState(this.key, at, this.runId, this.size);
	}

	/**
	 * This state pointing at an open run.
	 * @param runId the run
	 * @param size the events it holds, for a batch
	 * @return the changed state
	 */
	public FlowState open(String runId, int size) {
		return new FlowState(this.key, this.at, runId, size);
	}

}
