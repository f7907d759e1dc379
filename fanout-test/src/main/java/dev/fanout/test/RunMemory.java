package dev.fanout.test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.fanout.Event;

/**
 * What outlives one invocation of the function under test, as the engine's tables would:
 * the steps, the run's counters and its virtual clock; plus what the tester records for
 * assertions (calls of step bodies and mocks, sent events).
 */
final class RunMemory {

	private final Map<String, StepRow> steps = new HashMap<>();

	private final Map<String, List<StepCall>> calls = new LinkedHashMap<>();

	private final List<Event> sentEvents = new ArrayList<>();

	private final Set<String> usedMocks = new LinkedHashSet<>();

	private final Instant startedAt;

	private Instant now;

	/** Invocations of the function, as {@code RunInfo.attempts()} counts them. */
	int invocations;

	/** Function-level failures (outside steps). */
	int failures;

	/** The zero-based attempt the next invocation starts with. */
	int retryAttempt;

	RunMemory(Instant startedAt, List<StepRow> completed) {
		this.startedAt = startedAt;
		this.now = startedAt;
		completed.forEach(this::save);
	}

	Instant now() {
		return this.now;
	}

	Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * Move virtual time forward; it never goes back.
	 */
	void advanceTo(Instant time) {
		if (time.isAfter(this.now)) {
			this.now = time;
		}
	}

	StepRow step(String key) {
		return this.steps.get(key);
	}

	/**
	 * Record a step as the engine's step table does: a completed step never changes, and
	 * a step keeps its position, its start and its last error (a step that completed
	 * after a failed attempt still shows that attempt's error).
	 */
	void save(StepRow row) {
		StepRow existing = this.steps.get(row.key());
		if (existing == null) {
			this.steps.put(row.key(), row);
		}
		else if (!existing.isCompleted()) {
			this.steps.put(row.key(),
					new StepRow(row.key(), existing.position(), row.status(), row.output(), row.outputType(),
							(row.error() != null) ? row.error() : existing.error(), row.attempts(), row.wakeAt(),
							existing.startedAt(), row.endedAt()));
		}
	}

	List<StepRow> steps() {
		return this.steps.values().stream().sorted(Comparator.comparingInt(StepRow::position)).toList();
	}

	void recordCall(StepCall call) {
		this.calls.computeIfAbsent(call.key(), (key) -> new ArrayList<>()).add(call);
	}

	Map<String, List<StepCall>> calls() {
		return this.calls;
	}

	void recordSent(List<Event> events) {
		this.sentEvents.addAll(events);
	}

	List<Event> sentEvents() {
		return this.sentEvents;
	}

	void recordMockUse(String mockedId) {
		this.usedMocks.add(mockedId);
	}

	Set<String> usedMocks() {
		return this.usedMocks;
	}

}
