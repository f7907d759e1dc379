package dev.fanout.engine.sending;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.expression.Expression;

import dev.fanout.Event;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.event.StoredEvents;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.NewRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.PendingWait;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredStep;

/**
 * Resolves the pending matchers that a send's events match: a waiting step is resumed
 * with the event, a run with a matching {@code @CancelOn} is cancelled; each once, the
 * waiting step's row being the arbiter when several events or instances race.
 */
final class Matchers {

	private final RunStore store;

	private final PayloadSerializer serializer;

	private final RunCanceller canceller;

	private final Map<String, Expression> expressions = new ConcurrentHashMap<>();

	Matchers(RunStore store, PayloadSerializer serializer, RunCanceller canceller) {
		this.store = store;
		this.serializer = serializer;
		this.canceller = canceller;
	}

	/**
	 * Resume the runs waiting for these events and cancel those they cancel.
	 * @param events the new events, in send order
	 * @param created the runs this send created
	 * @param pending the matchers of the events' names
	 * @param now the current time
	 * @return whether a waiting run was resumed
	 */
	boolean resolve(List<Event> events, List<NewRun> created, List<PendingWait> pending, Instant now) {
		if (pending.isEmpty()) {
			return false;
		}
		boolean resumed = false;
		Set<String> ended = new HashSet<>();
		Map<String, Integer> triggers = triggerPositions(events, created);
		for (int i = 0; i < events.size(); i++) {
			Event event = events.get(i);
			for (PendingWait wait : pending) {
				NewWait matcher = wait.matcher();
				String key = matcher.runId() + "/" + matcher.kind() + "/" + matcher.stepKey();
				boolean cancel = NewWait.CANCEL.equals(matcher.kind());
				if (!matcher.eventName().equals(event.name()) || ended.contains(matcher.runId()) || ended.contains(key)
						|| (cancel && triggers.getOrDefault(matcher.runId(), -1) >= i) || !matches(wait, event)) {
					continue;
				}
				if (cancel) {
					ended.add(matcher.runId());
					this.canceller.cancel(matcher.runId(),
							"Cancelled by event '" + event.name() + "' (" + event.id() + ")");
				}
				else {
					ended.add(key);
					resumed |= resume(matcher, event, now);
				}
			}
		}
		return resumed;
	}

	/**
	 * For each run this send created, the position of its trigger among the events: a
	 * run's cancellation rules apply to the events that come after its trigger, not to
	 * the trigger itself nor to those before it in the same send.
	 */
	private static Map<String, Integer> triggerPositions(List<Event> events, List<NewRun> created) {
		Map<String, Integer> positions = new HashMap<>();
		for (int i = 0; i < events.size(); i++) {
			positions.putIfAbsent(events.get(i).id(), i);
		}
		Map<String, Integer> triggers = new HashMap<>();
		for (NewRun run : created) {
			Integer position = positions.get(run.eventId());
			if (position != null) {
				triggers.put(run.id(), position);
			}
		}
		return triggers;
	}

	private boolean resume(NewWait matcher, Event event, Instant now) {
		StoredStep resolved = StoredStep.of(matcher.stepKey(), 0, now)
			.completed(StoredEvents.toJson(event, this.serializer), StoredEvents.OUTPUT_TYPE, now);
		if (!this.store.resolveWaitingStep(matcher.runId(), resolved)) {
			return false;
		}
		this.store.deleteWait(matcher.runId(), matcher.stepKey());
		return this.store.wake(matcher.runId(), now);
	}

	private boolean matches(PendingWait wait, Event event) {
		String match = wait.match();
		if (match == null) {
			return true;
		}
		Expression expression = this.expressions.computeIfAbsent(match, EventExpressions::parse);
		Event trigger = StoredEvents.trigger(wait.trigger(), this.serializer);
		return EventExpressions.isTrue(expression,
				Map.of("event", EventExpressions.asMap(trigger), "async", EventExpressions.asMap(event)));
	}

}
