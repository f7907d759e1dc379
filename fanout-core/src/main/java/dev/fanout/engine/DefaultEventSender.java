package dev.fanout.engine;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.Event;
import dev.fanout.EventSender;
import dev.fanout.SendResult;
import dev.fanout.internal.Ids;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.NewEvent;
import dev.fanout.store.NewRun;
import dev.fanout.store.RunStore;

/**
 * Stores events and the runs they trigger in the caller's transaction (or its own), and
 * wakes the local worker once they commit.
 */
public final class DefaultEventSender implements EventSender {

	private final FunctionRegistry registry;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final PayloadSerializer serializer;

	private final EngineSettings settings;

	private final Clock clock;

	private final Runnable onCommit;

	/**
	 * Create a sender.
	 * @param registry the functions
	 * @param store the store
	 * @param transaction joins the caller's transaction or starts one
	 * @param serializer writes event data
	 * @param settings the settings (dedup window and limits)
	 * @param clock the clock
	 * @param onCommit called after a commit that created runs
	 */
	public DefaultEventSender(FunctionRegistry registry, RunStore store, TransactionTemplate transaction,
			PayloadSerializer serializer, EngineSettings settings, Clock clock, Runnable onCommit) {
		this.registry = registry;
		this.store = store;
		this.transaction = transaction;
		this.serializer = serializer;
		this.settings = settings;
		this.clock = clock;
		this.onCommit = onCommit;
	}

	@Override
	public SendResult sendAll(List<Event> events) {
		if (events == null || events.isEmpty()) {
			throw new IllegalArgumentException("events must not be empty");
		}
		for (Event event : events) {
			if (event == null) {
				throw new IllegalArgumentException("events must not contain null");
			}
			if (SystemEvents.isSystemEvent(event.name())) {
				throw new IllegalArgumentException("Event name '" + event.name()
						+ "' is reserved: names starting with '" + SystemEvents.PREFIX + "' are sent by fanout itself");
			}
		}
		// Checked before joining the caller's transaction: a rejected send must leave
		// that transaction
		// usable, not marked rollback-only.
		List<Payload> payloads = payloads(events);
		return this.transaction.execute((status) -> write(events, payloads));
	}

	/**
	 * Store events in the current transaction; used for sends and for system events.
	 * @param events the events
	 * @return the result
	 */
	SendResult write(List<Event> events) {
		return write(events, payloads(events));
	}

	private List<Payload> payloads(List<Event> events) {
		Limits limits = this.settings.limits();
		if (events.size() > limits.maxEventsPerSend()) {
			throw new IllegalArgumentException("Cannot send " + events.size() + " events at once: the limit is "
					+ limits.maxEventsPerSend() + " (fanout.events.max-batch-size)");
		}
		List<Payload> payloads = new ArrayList<>(events.size());
		for (int i = 0; i < events.size(); i++) {
			payloads.add(payload((events.size() > 1) ? i : -1, events.get(i)));
		}
		return payloads;
	}

	private SendResult write(List<Event> events, List<Payload> payloads) {
		Instant now = this.clock.instant();
		List<String> ids = events.stream().map(Event::id).toList();
		Set<String> fresh = this.store.acceptNewEventIds(new LinkedHashSet<>(ids), now,
				now.minus(this.settings.dedupWindow()));
		Set<String> triggered = new HashSet<>();
		List<NewEvent> rows = new ArrayList<>(events.size());
		List<NewRun> runs = new ArrayList<>();
		for (int i = 0; i < events.size(); i++) {
			Event event = events.get(i);
			String seq = Ids.next();
			boolean duplicate = !fresh.contains(event.id()) || !triggered.add(event.id());
			Payload payload = payloads.get(i);
			rows.add(new NewEvent(seq, event.id(), event.name(), payload.data(), payload.user(), event.ts(), event.v(),
					now, duplicate));
			if (!duplicate) {
				Instant due = event.ts().isAfter(now) ? event.ts() : now;
				for (FunctionDefinition function : this.registry.triggeredBy(event)) {
					runs.add(new NewRun(Ids.next(), function.id(), seq, event.id(), due, now));
				}
			}
		}
		this.store.insert(rows, runs);
		if (!runs.isEmpty()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					DefaultEventSender.this.onCommit.run();
				}
			});
		}
		return new SendResult(ids, runs.stream().map(NewRun::id).toList());
	}

	/**
	 * Check an event against the limits and serialize it, before anything is written, so
	 * that a bad event rejects the whole send.
	 */
	private Payload payload(int index, Event event) {
		Limits limits = this.settings.limits();
		String where = (index >= 0) ? "Event " + index + " ('" + event.name() + "')" : "Event '" + event.name() + "'";
		if (event.name().isBlank() || event.name().length() > limits.maxEventNameLength()) {
			throw new IllegalArgumentException(where + ": name must be 1 to " + limits.maxEventNameLength()
					+ " characters (fanout.limits.max-event-name-length), not " + event.name().length());
		}
		if (event.id().isBlank() || event.id().length() > 128) {
			throw new IllegalArgumentException(where + ": id must be 1 to 128 characters");
		}
		String data = this.serializer.serialize(event.data());
		String user = event.user().isEmpty() ? null : this.serializer.serialize(event.user());
		long size = utf8Length(data) + ((user != null) ? utf8Length(user) : 0);
		// The limit is for senders. A system event carries its trigger (already within
		// the limit) plus
		// an error or the run's output, and is written with the run's end: rejecting it
		// would leave
		// that end unrecordable and the run executing again and again.
		if (size > limits.maxPayloadSize() && !SystemEvents.isSystemEvent(event.name())) {
			throw new IllegalArgumentException(where + ": payload is " + size + " bytes, over the limit of "
					+ limits.maxPayloadSize() + " bytes (fanout.events.max-payload-size)");
		}
		return new Payload(data, user);
	}

	private record Payload(String data, @Nullable String user) {
	}

	private static long utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

}
