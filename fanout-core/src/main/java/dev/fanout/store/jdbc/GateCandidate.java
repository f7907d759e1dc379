package dev.fanout.store.jdbc;

import java.time.OffsetDateTime;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;

/**
 * A run due behind a gate, locked by a gated claim, with the gates it must pass.
 *
 * @param id the run id
 * @param functionId its function, whose limits apply
 * @param gate the gate it waits behind
 * @param slot1 its first slot, or {@code null}
 * @param slot2 its second slot, or {@code null}
 * @param throttle its throttle, or {@code null}
 * @param firstStart whether it never started: only such a run passes a throttle
 * @param rankAt its rank
 */
record GateCandidate(String id, String functionId, String gate, @Nullable String slot1, @Nullable String slot2,
		@Nullable String throttle, boolean firstStart, OffsetDateTime rankAt) {

	static final RowMapper<GateCandidate> ROW = (rs, n) -> new GateCandidate(rs.getString("id"),
			rs.getString("function_id"), rs.getString("gate"), rs.getString("slot1"), rs.getString("slot2"),
			rs.getString("throttle_key"), rs.getObject("started_at") == null,
			rs.getObject("rank_at", OffsetDateTime.class));

	/**
	 * Whether it must pass its throttle to start.
	 * @return whether it has a throttle and never started
	 */
	boolean throttled() {
		return this.throttle != null && this.firstStart;
	}

}
