package dev.fanout.engine.sending;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fanout.engine.function.FunctionCatalog;
import dev.fanout.engine.function.GateKeys;
import dev.fanout.engine.support.Transactions;
import dev.fanout.store.BatchEvent;
import dev.fanout.store.FlowState;
import dev.fanout.store.FlowStateStore;
import dev.fanout.store.GateOpening;
import dev.fanout.store.NewRun;
import dev.fanout.store.RunFlow;

/**
 * One send's decisions under enqueue-time controls, as they are made: the state rows it
 * locked, changed in memory and written once at the end; the runs it creates, which a
 * later event of the same send may still retrigger, join or drop, since they are inserted
 * with the send's other runs; the events it adds to batches already stored; and the
 * events it skips, counted once the send commits. Confined to the send's thread.
 */
final class ControlledSend {

	private final FlowStateStore store;

	private final Instant now;

	private final Map<String, FlowState> states;

	private final Set<String> changed = new LinkedHashSet<>();

	private final Map<String, Pending> created = new LinkedHashMap<>();

	private final Map<String, Pending> singletons = new HashMap<>();

	private final List<BatchEvent> joinedStored = new ArrayList<>();

	private final List<Map.Entry<String, SkippedEvents.Reason>> skips = new ArrayList<>();

	private final Set<String> rescheduledApps = new LinkedHashSet<>();

	private final List<GateOpening> gates = new ArrayList<>();

	ControlledSend(FlowStateStore store, Map<String, FlowState> states, Instant now) {
		this.store = store;
		this.states = new HashMap<>(states);
		this.now = now;
	}

	FlowStateStore store() {
		return this.store;
	}

	Instant now() {
		return this.now;
	}

	FlowState state(String key) {
		return this.states.computeIfAbsent(key, FlowState::empty);
	}

	void put(FlowState state) {
		this.states.put(state.key(), state);
		this.changed.add(state.key());
	}

	/** A run this send creates, if it does and still does. */
	@Nullable Pending pending(String runId) {
		return this.created.get(runId);
	}

	/** The run this send creates that holds a singleton key, if any. */
	@Nullable Pending holding(String singletonKey) {
		return this.singletons.get(singletonKey);
	}

	void create(Pending run) {
		this.created.put(run.id(), run);
		String singleton = run.flow().singleton();
		if (singleton != null) {
			this.singletons.put(singleton, run);
		}
	}

	/**
	 * Drop a run this send was to create: its trigger then has no run, for a reason.
	 */
	void drop(Pending run, SkippedEvents.Reason reason) {
		this.created.remove(run.id());
		this.singletons.values().remove(run);
		skip(run.trigger(), reason);
	}

	void joinStored(BatchEvent event) {
		this.joinedStored.add(event);
	}

	/**
	 * Give a stored open run another trigger and due time. Its application's workers are
	 * told, as it may be due earlier than they think, and the gates it waits behind open
	 * no later than it is due.
	 */
	void retriggerStored(EnqueueControls.Candidate event, String runId, String eventSeq, String eventId, RunFlow flow,
			Instant due) {
		this.store.retrigger(runId, eventSeq, eventId, flow, due);
		FunctionCatalog.Target target = event.target();
		this.rescheduledApps.add(target.appId());
		GateOpening gate = GateKeys.opening(target.appId(), target.functionId(), flow, due);
		if (gate != null) {
			this.gates.add(gate);
		}
	}

	void skip(EnqueueControls.Candidate event, SkippedEvents.Reason reason) {
		this.skips.add(Map.entry(event.target().functionId(), reason));
	}

	/**
	 * Write what the decisions changed, count the skipped events once the send commits,
	 * and give the runs to insert.
	 */
	EnqueueControls.Admitted finish(SkippedEvents skipped) {
		this.store.save(this.changed.stream().map(this.states::get).toList());
		List<BatchEvent> batchEvents = new ArrayList<>(this.joinedStored);
		List<EnqueueControls.Created> runs = new ArrayList<>();
		for (Pending run : this.created.values()) {
			runs.add(run.toNewRun(this.now));
			batchEvents.addAll(run.batchEvents());
		}
		this.store.insertBatchEvents(batchEvents);
		if (!this.skips.isEmpty()) {
			List<Map.Entry<String, SkippedEvents.Reason>> counted = List.copyOf(this.skips);
			Transactions.afterCommit(() -> counted.forEach((skip) -> skipped.add(skip.getKey(), skip.getValue())));
		}
		return new EnqueueControls.Admitted(runs, this.rescheduledApps, this.gates);
	}

	/**
	 * A run this send creates, before it is inserted: its trigger, due time and flow may
	 * still change, and a batch gather more events.
	 */
	static final class Pending {

		private final String id;

		private EnqueueControls.Candidate trigger;

		private Instant due;

		private RunFlow flow;

		private final List<EnqueueControls.Candidate> joined = new ArrayList<>();

		Pending(String id, EnqueueControls.Candidate trigger, Instant due) {
			this.id = id;
			this.trigger = trigger;
			this.due = due;
			this.flow = trigger.flow();
		}

		String id() {
			return this.id;
		}

		EnqueueControls.Candidate trigger() {
			return this.trigger;
		}

		RunFlow flow() {
			return this.flow;
		}

		void retrigger(EnqueueControls.Candidate trigger, Instant due) {
			this.trigger = trigger;
			this.flow = trigger.flow();
			this.due = due;
		}

		void join(EnqueueControls.Candidate event) {
			this.joined.add(event);
		}

		void dueAt(Instant due) {
			this.due = due;
		}

		/**
		 * The events of its batch, the trigger first; none for a run that is not batched.
		 */
		List<BatchEvent> batchEvents() {
			if (this.trigger.target().flow().batch() == null) {
				return List.of();
			}
			List<BatchEvent> events = new ArrayList<>();
			events.add(new BatchEvent(this.id, 0, this.trigger.event().seq(), this.trigger.event().id()));
			for (EnqueueControls.Candidate event : this.joined) {
				events.add(new BatchEvent(this.id, events.size(), event.event().seq(), event.event().id()));
			}
			return events;
		}

		/**
		 * The run to insert. Its start timeout counts from when it is due, as for a
		 * replay: a debounced or batched run is due well after its first event.
		 */
		EnqueueControls.Created toNewRun(Instant now) {
			NewRun run = EventWriter
				.runOf(this.trigger.target(), this.id, this.trigger.event().seq(), this.trigger.event().id(), this.due)
				.flow(this.flow)
				.queued(this.due, now);
			// The trigger of a debounced run may change after it is stored: its matchers
			// are found by expression, not by the values of this trigger.
			boolean fixedTrigger = this.trigger.target().flow().debounce() == null;
			return new EnqueueControls.Created(this.trigger.target(), run, fixedTrigger ? this.trigger.map() : null);
		}

	}

}
