package dev.fanout.engine.sending;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import dev.fanout.Singleton;
import dev.fanout.engine.function.FlowControl;
import dev.fanout.engine.function.FlowKey;
import dev.fanout.engine.function.FunctionCatalog;
import dev.fanout.internal.Ids;
import dev.fanout.store.BatchEvent;
import dev.fanout.store.FlowState;
import dev.fanout.store.FlowStateStore;
import dev.fanout.store.GateOpening;
import dev.fanout.store.NewRun;
import dev.fanout.store.OpenRun;
import dev.fanout.store.RunFlow;
import dev.fanout.store.StoredEvent;

/**
 * Decides, in a send's transaction, what an event does for a function whose flow control
 * decides at enqueue time: make a run (perhaps due later), join a run already made
 * (debounce, batch), or nothing (skipped, and counted). Exact across instances: a send
 * first locks the state rows of every key it needs, in one order, and holds them until it
 * commits, so sends on any instance decide one after the other per key.
 * <p>
 * An event is checked in this order: its idempotency key, then its rate limit (neither is
 * used up by an event skipped); then it joins its key's open run if there is one (a
 * debounce makes it the run's trigger, a batch adds it); else, a singleton held by an
 * unfinished run skips it ({@code SKIP}) or has that run cancelled ({@code CANCEL}), and
 * it makes a run.
 *
 * @since 0.1.0
 */
public final class EnqueueControls {

	private final FlowStateStore store;

	private final RunCanceller canceller;

	private final SkippedEvents skipped;

	/**
	 * Create the controls.
	 * @param store the controls' state
	 * @param canceller cancels the runs a singleton's new run replaces
	 * @param skipped counts the events skipped
	 */
	public EnqueueControls(FlowStateStore store, RunCanceller canceller, SkippedEvents skipped) {
		this.store = store;
		this.canceller = canceller;
		this.skipped = skipped;
	}

	/**
	 * Decide the fate of a send's events for functions with enqueue-time controls.
	 * @param candidates each event with a function it triggers, in send order
	 * @param now the current time
	 * @return the runs to insert with the send's others
	 */
	Admitted admit(List<Candidate> candidates, Instant now) {
		List<FlowControl.EnqueueKeys> keys = candidates.stream().map(Candidate::keys).toList();
		Set<String> locked = new TreeSet<>();
		keys.forEach((each) -> each.all().forEach(locked::add));
		ControlledSend send = new ControlledSend(this.store, this.store.lock(locked), now);
		for (int i = 0; i < candidates.size(); i++) {
			decide(candidates.get(i), keys.get(i), send);
		}
		return send.finish(this.skipped);
	}

	private void decide(Candidate event, FlowControl.EnqueueKeys keys, ControlledSend send) {
		FlowControl flow = event.target().flow();
		Instant now = send.now();
		FlowState idempotency = (keys.idempotency() != null) ? send.state(keys.idempotency()) : null;
		if (idempotency != null && idempotency.at() != null && idempotency.at().isAfter(now)) {
			send.skip(event, SkippedEvents.Reason.IDEMPOTENCY);
			return;
		}
		FlowState rate = (keys.rateLimit() != null) ? send.state(keys.rateLimit()) : null;
		Instant arrival = (rate != null)
				? Gcra.admit(rate.at(), now, flow.rateLimit().limit(), flow.rateLimit().period()) : null;
		if (rate != null && arrival == null) {
			send.skip(event, SkippedEvents.Reason.RATE_LIMIT);
			return;
		}
		boolean joined = (keys.debounce() != null) ? debounce(event, keys.debounce(), send)
				: (keys.batch() != null) && batch(event, keys.batch(), send);
		List<String> holders = (!joined && keys.singleton() != null) ? holders(event, keys.singleton(), send)
				: List.of();
		if (!holders.isEmpty() && flow.singleton().mode() == Singleton.Mode.SKIP) {
			send.skip(event, SkippedEvents.Reason.SINGLETON);
			return;
		}
		if (idempotency != null) {
			send.put(idempotency.at(now.plus(flow.idempotency().period())));
		}
		if (rate != null) {
			send.put(rate.at(arrival));
		}
		if (!joined) {
			String runId = Ids.next();
			cancel(holders, event, runId, send);
			create(event, runId, keys, send);
		}
	}

	/**
	 * Make the event the trigger of its key's open run, due a period after it, or at the
	 * timeout after the window's first event; the trigger it replaces has no run.
	 * @return whether there was an open run
	 */
	private boolean debounce(Candidate event, String key, ControlledSend send) {
		FlowState state = send.state(key);
		if (state.runId() == null) {
			return false;
		}
		FlowControl.DebounceRule rule = event.target().flow().debounce();
		Instant due = event.due().plus(rule.period());
		if (rule.timeout() != null && state.at() != null && due.isAfter(state.at().plus(rule.timeout()))) {
			due = state.at().plus(rule.timeout());
		}
		ControlledSend.Pending pending = send.pending(state.runId());
		if (pending != null) {
			send.skip(pending.trigger(), SkippedEvents.Reason.DEBOUNCE);
			pending.retrigger(event, due);
			return true;
		}
		Optional<OpenRun> open = send.store().lockOpenRun(state.runId());
		if (open.isEmpty()) {
			return false;
		}
		send.skip(event, SkippedEvents.Reason.DEBOUNCE);
		send.retriggerStored(event, open.get().id(), event.event().seq(), event.event().id(), event.flow(), due);
		return true;
	}

	/**
	 * Add the event to its key's open batch if it has room; a batch that fills is due at
	 * once.
	 * @return whether there was an open batch with room
	 */
	private boolean batch(Candidate event, String key, ControlledSend send) {
		FlowState state = send.state(key);
		int maxSize = event.target().flow().batch().maxSize();
		if (state.runId() == null || state.size() >= maxSize) {
			return false;
		}
		boolean full = state.size() + 1 == maxSize;
		ControlledSend.Pending pending = send.pending(state.runId());
		if (pending != null) {
			pending.join(event);
			if (full) {
				pending.dueAt(send.now());
			}
		}
		else {
			Optional<OpenRun> open = send.store().lockOpenRun(state.runId());
			if (open.isEmpty()) {
				return false;
			}
			OpenRun run = open.get();
			send.joinStored(new BatchEvent(run.id(), state.size(), event.event().seq(), event.event().id()));
			if (full) {
				send.retriggerStored(event, run.id(), run.eventSeq(), run.eventId(), run.flow(), send.now());
			}
		}
		send.put(state.open(state.runId(), state.size() + 1));
		return true;
	}

	/**
	 * The unfinished runs that hold a singleton key: stored, or made earlier in this
	 * send.
	 */
	private static List<String> holders(Candidate event, String key, ControlledSend send) {
		ControlledSend.Pending pending = send.holding(key);
		if (pending != null) {
			return List.of(pending.id());
		}
		return send.store().unfinishedRuns(event.target().functionId(), key);
	}

	/**
	 * Cancel the runs a singleton's new run replaces. One this send was to make is not
	 * made: its trigger is counted as skipped.
	 */
	private void cancel(List<String> holders, Candidate event, String newRunId, ControlledSend send) {
		for (String runId : holders) {
			ControlledSend.Pending pending = send.pending(runId);
			if (pending != null) {
				send.drop(pending, SkippedEvents.Reason.SINGLETON);
			}
			else {
				this.canceller.cancel(runId, replacedBy(event, newRunId));
			}
		}
	}

	/**
	 * Why a singleton's run is cancelled: naming the run that replaces it, and the key.
	 */
	private static String replacedBy(Candidate event, String newRunId) {
		FlowKey key = event.target().flow().singleton().key();
		String singleton = (key != null) ? "key '" + abbreviate(key.keyOf(event.map())) + "'"
				: "function '" + event.target().functionId() + "'";
		return "Cancelled by newer run " + newRunId + " of @Singleton " + singleton;
	}

	private static String abbreviate(String value) {
		return (value.length() <= 100) ? value : value.substring(0, 100) + "...";
	}

	/**
	 * Make a run for the event: due a debounce period later, or a batch timeout later (at
	 * once for a batch of one), and open for its keys.
	 */
	private static void create(Candidate event, String runId, FlowControl.EnqueueKeys keys, ControlledSend send) {
		FlowControl flow = event.target().flow();
		Instant due = event.due();
		if (keys.debounce() != null) {
			due = due.plus(flow.debounce().period());
			send.put(send.state(keys.debounce()).at(event.due()).open(runId, 0));
		}
		if (keys.batch() != null) {
			if (flow.batch().maxSize() > 1) {
				due = due.plus(flow.batch().timeout());
			}
			send.put(send.state(keys.batch()).open(runId, 1));
		}
		send.create(new ControlledSend.Pending(runId, event, due));
	}

	/**
	 * An event and one function it triggers that has enqueue-time controls.
	 *
	 * @param target the function
	 * @param event the stored event
	 * @param map the event as expressions see it
	 * @param due when a run it makes at once is due: now, or the event's time if later
	 */
	record Candidate(FunctionCatalog.Target target, StoredEvent event, Map<String, Object> map, Instant due) {

		FlowControl.EnqueueKeys keys() {
			return this.target.flow().enqueueKeys(this.target.appId(), this.target.functionId(), this.map);
		}

		/** The flow of a run this event triggers: priority, gates, singleton key. */
		RunFlow flow() {
			return this.target.flow().runFlow(this.target.appId(), this.target.functionId(), this::map);
		}

	}

	/**
	 * A run the controls made.
	 *
	 * @param target its function
	 * @param run the run to insert
	 * @param trigger its trigger as a map, to find its matchers by key, or {@code null}
	 * to leave them to their expressions
	 */
	record Created(FunctionCatalog.Target target, NewRun run, @Nullable Map<String, Object> trigger) {
	}

	/**
	 * What the controls decided for a send's events.
	 *
	 * @param runs the runs to insert
	 * @param rescheduledApps the applications with a stored run now due earlier, whose
	 * workers are to be told
	 * @param gates the gates of stored runs now due earlier, to open with the new runs'
	 */
	record Admitted(List<Created> runs, Set<String> rescheduledApps, List<GateOpening> gates) {

		static final Admitted NONE = new Admitted(List.of(), Set.of(), List.of());

	}

}
