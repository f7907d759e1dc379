package dev.fanout.engine.run;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

import dev.fanout.Event;
import dev.fanout.RunStatus;
import dev.fanout.StepStatus;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.event.MatchKeys;
import dev.fanout.engine.event.StoredEvents;
import dev.fanout.engine.step.RunJournal;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.NewEvent;
import dev.fanout.store.NewWait;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredStep;

/**
 * Registers a wait for an event of a held run, such that every event of the name is
 * either found by the wait's look-back or finds the wait, and an event counts once:
 * <ol>
 * <li>the waiting step and its matcher are stored: a send that looks for matchers from
 * then on finds it;</li>
 * <li>the event name's exclusive lock is taken and let go at once: the sends that looked
 * for matchers before hold its shared lock until they commit, so once it is taken they
 * have committed;</li>
 * <li>the events stored since the run first started are read, without any lock: a send of
 * the name is never held up by a long look-back;</li>
 * <li>an event found resolves the step, unless a send resolved it first; with none, the
 * run is parked, unless a send resolved the step meanwhile. The step's row is the
 * arbiter: whoever resolves it first wins, and the loser reads what won.</li>
 * </ol>
 */
final class WaitRegistration {

	/**
	 * How many stored events a wait reads at a time when it looks back for one that
	 * arrived before it.
	 */
	private static final int LOOK_BACK_PAGE = 500;

	private final ClaimedRun run;

	private final Event trigger;

	private final RunWrites writes;

	private final PayloadSerializer serializer;

	WaitRegistration(ClaimedRun run, Event trigger, RunWrites writes, PayloadSerializer serializer) {
		this.run = run;
		this.trigger = trigger;
		this.writes = writes;
		this.serializer = serializer;
	}

	/**
	 * Register a wait.
	 * @param waiting the waiting step, due when the wait times out
	 * @param wait what it waits for
	 * @param steps the run's steps as this invocation knows them, for the events its
	 * waits received already
	 * @return the step as it ends this registration: completed with an event, or still
	 * waiting with the run parked
	 * @throws dev.fanout.engine.step.Refusal if the run is no longer this worker's
	 */
	StoredStep register(StoredStep waiting, RunJournal.WaitFor wait, Collection<StoredStep> steps) {
		String runId = this.run.id();
		Instant wakeAt = StoreJournal.requireWakeAt(waiting);
		Instant since = (this.run.startedAt() != null) ? this.run.startedAt() : this.writes.now();
		NewWait matcher = MatchKeys.keyed(
				NewWait.forEvent(runId, waiting.key(), wait.eventName(), wait.match(), wakeAt),
				EventExpressions.asMap(this.trigger));
		this.writes.db(() -> {
			if (!store().saveStep(runId, this.writes.owner(), waiting)) {
				throw this.writes.refused(runId);
			}
			store().insertWait(matcher);
			return true;
		});
		this.writes.db(() -> {
			store().lockEventNames(List.of(wait.eventName()), true);
			return true;
		});
		Set<String> received = receivedEventIds(steps);
		Optional<Event> arrived = this.writes
			.db(() -> firstArrived(wait.eventName(), since, wait.expression(), received));
		if (arrived.isPresent()) {
			StoredStep done = StoredStep.of(waiting.key(), waiting.position(), waiting.startedAt())
				.completed(StoredEvents.toJson(arrived.get(), this.serializer), StoredEvents.OUTPUT_TYPE,
						this.writes.now());
			return this.writes.db(() -> {
				if (store().resolveWaitingStep(runId, done)) {
					store().deleteWait(runId, waiting.key());
					return done;
				}
				return store().lockStep(runId, waiting.key()).orElse(done);
			});
		}
		return this.writes.db(() -> {
			StoredStep current = store().lockStep(runId, waiting.key()).orElse(waiting);
			if (current.status() == StepStatus.WAITING
					&& !store().park(runId, this.writes.owner(), RunStatus.WAITING, wakeAt)) {
				throw this.writes.refused(runId);
			}
			return current;
		});
	}

	/**
	 * The first event of the name stored since the run started that matches and did not
	 * resume an earlier wait of this run (an event counts once per run), read page by
	 * page so a busy event name loses none.
	 */
	private Optional<Event> firstArrived(String eventName, Instant since, @Nullable Expression expression,
			Set<String> received) {
		Map<String, Object> trigger = EventExpressions.asMap(this.trigger);
		Instant receivedAt = since;
		String after = "";
		List<NewEvent> page;
		do {
			page = store().eventsAfter(eventName, receivedAt, after, LOOK_BACK_PAGE);
			for (NewEvent stored : page) {
				Event candidate = StoredEvents.event(stored.event(), this.serializer);
				if (!received.contains(candidate.id()) && (expression == null || EventExpressions.isTrue(expression,
						Map.of("event", trigger, "async", EventExpressions.asMap(candidate))))) {
					return Optional.of(candidate);
				}
				receivedAt = stored.receivedAt();
				after = stored.event().seq();
			}
		}
		while (page.size() == LOOK_BACK_PAGE);
		return Optional.empty();
	}

	/**
	 * The ids of the events this run's waits received so far.
	 */
	private Set<String> receivedEventIds(Collection<StoredStep> steps) {
		Set<String> ids = new HashSet<>();
		for (StoredStep step : steps) {
			if (step.status() == StepStatus.COMPLETED && StoredEvents.OUTPUT_TYPE.equals(step.outputType())) {
				Event received = StoredEvents.fromJson(step.output(), this.serializer);
				if (received != null) {
					ids.add(received.id());
				}
			}
		}
		return ids;
	}

	private RunStore store() {
		return this.writes.store();
	}

}
