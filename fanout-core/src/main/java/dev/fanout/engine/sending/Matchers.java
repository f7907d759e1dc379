package dev.fanout.engine.sending;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.springframework.expression.Expression;

import dev.fanout.Event;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.event.MatchKeys;
import dev.fanout.engine.event.StoredEvents;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.NewRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.PendingWait;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredStep;
import dev.fanout.store.WaitLookup;

/**
 * Resolves the pending matchers that a send's events match: a waiting step is resumed
 * with the event, a run with a matching {@code @CancelOn} is cancelled; each once, the
 * waiting step's row being the arbiter when several events or instances race.
 */
final class Matchers {

	private final RunStore store;

	private final PayloadSerializer serializer;

	private final RunCanceller canceller;

	/** The matchers an event may match, in the order their look-up gives them. */
	private static final Comparator<PendingWait> ORDER = Comparator
		.comparing((PendingWait wait) -> wait.matcher().runId())
		.thenComparing((wait) -> wait.matcher().stepKey());

	private final Map<String, Expression> expressions = new ConcurrentHashMap<>();

	Matchers(RunStore store, PayloadSerializer serializer, RunCanceller canceller) {
		this.store = store;
		this.serializer = serializer;
		this.canceller = canceller;
	}

	/**
	 * Resume the runs waiting for these events and cancel those they cancel. Each event
	 * is weighed against the matchers of its name found by no key, and against those
	 * found by its own values; each trigger is read once.
	 * @param events the new events, in send order
	 * @param created the runs this send created
	 * @param lookup the matchers of the events' names found by no key, and the paths of
	 * the others
	 * @param now the current time
	 * @return whether a waiting run was resumed
	 */
	boolean resolve(List<Event> events, List<NewRun> created, WaitLookup lookup, Instant now) {
		if (lookup.unkeyed().isEmpty() && lookup.paths().isEmpty()) {
			return false;
		}
		List<Map<String, Object>> arriving = events.stream().map(EventExpressions::asMap).toList();
		Map<String, List<String>> paths = new HashMap<>();
		lookup.paths()
			.forEach((path) -> paths.computeIfAbsent(path.eventName(), (name) -> new ArrayList<>()).add(path.path()));
		Map<String, List<PendingWait>> unkeyed = group(lookup.unkeyed(), (wait) -> wait.matcher().eventName());
		Map<WaitLookup.Key, List<PendingWait>> keyed = group(keyed(events, arriving, paths, now), Matchers::keyOf);
		Map<String, Integer> triggers = triggerPositions(events, created);
		Map<String, Map<String, Object>> triggerMaps = new HashMap<>();
		Set<String> ended = new HashSet<>();
		boolean resumed = false;
		for (int i = 0; i < events.size(); i++) {
			Event event = events.get(i);
			for (PendingWait wait : candidates(event, arriving.get(i), unkeyed, keyed, paths)) {
				NewWait matcher = wait.matcher();
				String key = matcher.runId() + "/" + matcher.kind() + "/" + matcher.stepKey();
				boolean cancel = NewWait.CANCEL.equals(matcher.kind());
				if (ended.contains(matcher.runId()) || ended.contains(key)
						|| (cancel && triggers.getOrDefault(matcher.runId(), -1) >= i)
						|| !matches(wait, arriving.get(i), triggerMaps)) {
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
	 * The matchers found by key that these events may match: one look-up for every value
	 * the events have at the paths of their names.
	 */
	private List<PendingWait> keyed(List<Event> events, List<Map<String, Object>> arriving,
			Map<String, List<String>> paths, Instant now) {
		Set<WaitLookup.Key> keys = new LinkedHashSet<>();
		for (int i = 0; i < events.size(); i++) {
			String name = events.get(i).name();
			for (String path : paths.getOrDefault(name, List.of())) {
				String value = MatchKeys.keyAt(arriving.get(i), path);
				if (value != null) {
					keys.add(new WaitLookup.Key(name, path, value));
				}
			}
		}
		return this.store.keyedWaits(keys, now);
	}

	/**
	 * The matchers an event may match, in the order of their runs and keys.
	 */
	private static List<PendingWait> candidates(Event event, Map<String, Object> arriving,
			Map<String, List<PendingWait>> unkeyed, Map<WaitLookup.Key, List<PendingWait>> keyed,
			Map<String, List<String>> paths) {
		List<PendingWait> candidates = new ArrayList<>(unkeyed.getOrDefault(event.name(), List.of()));
		for (String path : paths.getOrDefault(event.name(), List.of())) {
			String value = MatchKeys.keyAt(arriving, path);
			if (value != null) {
				candidates.addAll(keyed.getOrDefault(new WaitLookup.Key(event.name(), path, value), List.of()));
			}
		}
		candidates.sort(ORDER);
		return candidates;
	}

	private static WaitLookup.Key keyOf(PendingWait wait) {
		NewWait matcher = wait.matcher();
		return new WaitLookup.Key(matcher.eventName(), String.valueOf(matcher.matchOn()),
				String.valueOf(matcher.matchKey()));
	}

	private static <K> Map<K, List<PendingWait>> group(List<PendingWait> waits, Function<PendingWait, K> by) {
		Map<K, List<PendingWait>> groups = new HashMap<>();
		waits.forEach((wait) -> groups.computeIfAbsent(by.apply(wait), (key) -> new ArrayList<>()).add(wait));
		return groups;
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

	/**
	 * Whether an arriving event matches a matcher; its run's trigger is read once per
	 * send, however many events are weighed against it.
	 */
	private boolean matches(PendingWait wait, Map<String, Object> arriving,
			Map<String, Map<String, Object>> triggerMaps) {
		String match = wait.match();
		if (match == null) {
			return true;
		}
		Expression expression = this.expressions.computeIfAbsent(match, EventExpressions::parse);
		Map<String, Object> trigger = triggerMaps.computeIfAbsent(wait.trigger().id(),
				(runId) -> EventExpressions.asMap(StoredEvents.trigger(wait.trigger(), this.serializer)));
		return EventExpressions.isTrue(expression, Map.of("event", trigger, "async", arriving));
	}

}
