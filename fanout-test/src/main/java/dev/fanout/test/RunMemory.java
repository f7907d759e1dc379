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

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.store.StoredStep;

/**
 * What outlives one invocation of the function under test, as the engine's tables would:
 * the steps, the run's counters and its virtual clock; plus what the tester records for
 * assertions (calls of step bodies and mocks, sent events) and why it stopped a run.
 */
final class RunMemory {

	private final Map<String, StoredStep> steps = new HashMap<>();

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

	/** The step {@code executeUntil} stopped the run at, or {@code null}. */
	@Nullable String stoppedAt;

	/**
	 * Why the set-up cannot go on (an unmocked invoke, a wrong mock), or {@code null}.
	 */
	@Nullable String misuse;

	RunMemory(Instant startedAt, List<StoredStep> completed) {
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

	@Nullable StoredStep step(String key) {
		return this.steps.get(key);
	}

	/**
	 * Record a step as the engine's step table does.
	 */
	void save(StoredStep row) {
		this.steps.merge(row.key(), row, StoredStep::updatedWith);
	}

	List<StoredStep> steps() {
		return this.steps.values().stream().sorted(Comparator.comparingInt(StoredStep::position)).toList();
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
