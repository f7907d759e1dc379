package dev.fanout.engine;

import java.util.List;
import java.util.Optional;

import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.store.RunStore;

/**
 * {@link FanoutAdmin} on the run store.
 */
final class StoreFanoutAdmin implements FanoutAdmin {

	private final RunStore store;

	StoreFanoutAdmin(RunStore store) {
		this.store = store;
	}

	@Override
	public Optional<RunInfo> run(String runId) {
		if (runId == null) {
			throw new IllegalArgumentException("runId must not be null");
		}
		return this.store.run(runId);
	}

	@Override
	public List<RunInfo> runsForEvent(String eventId) {
		if (eventId == null) {
			throw new IllegalArgumentException("eventId must not be null");
		}
		return this.store.runsForEvent(eventId);
	}

}
