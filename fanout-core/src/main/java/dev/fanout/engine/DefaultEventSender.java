package dev.fanout.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.Event;
import dev.fanout.EventSender;
import dev.fanout.SendResult;
import dev.fanout.StepStatus;
import dev.fanout.internal.Ids;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.NewEvent;
import dev.fanout.store.NewRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.PendingWait;
import dev.fanout.store.ReplayableRun;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredStep;

/**
 * Stores events and the runs they trigger in the caller's transaction (or its own), and
 * wakes the local worker once they commit.
 */
public final class DefaultEventSender implements EventSender {

	private final FunctionDirectory directory;

	private final RunStore store;

	private final TransactionTemplate transaction;

	private final PayloadSerializer serializer;

	private final EventPayloads payloads;

	private final EngineSettings settings;

	private final Clock clock;

	private final Runnable onCommit;

	private final RunEndings endings;

	private final Cancellations cancellations;

	private final Map<String, Expression> matchExpressions = new ConcurrentHashMap<>();

	/** This instance's worker, when it runs functions; see {@link #startLocally}. */
	private volatile @Nullable Worker local;

	/**
	 * Create a sender.
	 * @param directory the functions of every application
	 * @param store the store
	 * @param transaction joins the caller's transaction or starts one
	 * @param serializer writes event data
	 * @param settings the settings (dedup window and limits)
	 * @param clock the clock
	 * @param onCommit called after a commit that created or resumed runs
	 * @param onCancelRequested called after a commit that asked a running run to cancel
	 */
	DefaultEventSender(FunctionDirectory directory, RunStore store, TransactionTemplate transaction,
			PayloadSerializer serializer, EngineSettings settings, Clock clock, Runnable onCommit,
			Consumer<String> onCancelRequested) {
		this.directory = directory;
		this.store = store;
		this.transaction = transaction;
		this.serializer = serializer;
		this.settings = settings;
		this.payloads = new EventPayloads(settings.limits(), serializer);
		this.clock = clock;
		this.onCommit = onCommit;
		this.endings = new RunEndings(store, this, serializer, clock, onCommit);
		this.cancellations = new Cancellations(store, this.endings, serializer, clock, onCancelRequested);
	}

	@Override
	public SendResult sendAll(List<Event> events) {
		// Checked before joining the caller's transaction: a rejected send must leave
		// that transaction usable, not marked rollback-only.
		List<EventPayloads.Payload> payloads = this.payloads.forSend(events);
		Worker starter = localStarter();
		return inTransaction(() -> write(events, payloads, null, true, starter));
	}

	/**
	 * Send events as {@link #sendAll(List)} does, except that an event whose id was
	 * already seen within the dedup window is not stored again either: for senders that
	 * resend a whole request after a failure they could not see the end of (the HTTP
	 * event API), so that a retry stores nothing twice. Not part of the
	 * {@link EventSender} contract.
	 * @param events the events
	 * @return their ids, in order, repeated ones included, and the runs created
	 * @throws IllegalArgumentException naming the first problem; nothing is stored
	 */
	public SendResult sendAllOnce(List<Event> events) {
		List<EventPayloads.Payload> payloads = this.payloads.forSend(events);
		Worker starter = localStarter();
		return inTransaction(() -> write(events, payloads, null, false, starter));
	}

	/**
	 * The worker to hand a send's runs to, when the send commits in a transaction of its
	 * own: a caller's transaction may last long after the insert, and a run must not look
	 * started before its send commits.
	 */
	private @Nullable Worker localStarter() {
		return TransactionSynchronizationManager.isActualTransactionActive() ? null : this.local;
	}

	/**
	 * Run a send in the caller's transaction or one of its own. When the database is
	 * gone, the rollback fails too and its exception would hide the failure that matters,
	 * such as "Connection refused": the sender gets that one.
	 */
	private SendResult inTransaction(Supplier<SendResult> send) {
		try {
			return this.transaction.execute((status) -> send.get());
		}
		catch (TransactionSystemException ex) {
			if (ex.getApplicationException() instanceof RuntimeException failure) {
				failure.addSuppressed(ex);
				throw failure;
			}
			throw ex;
		}
	}

	/**
	 * Store events in the current transaction; used for sends and for system events.
	 * @param events the events
	 * @return the result
	 */
	SendResult write(List<Event> events) {
		return write(events, this.payloads.of(events), null, true, null);
	}

	/**
	 * Store the trigger of an invoked function's run, in the current transaction: the run
	 * is created for that function alone, whatever the triggers say, and remembers its
	 * parent.
	 */
	SendResult writeInvocation(Event event, String functionId, String parentRunId, String parentStepKey) {
		return write(List.of(event), this.payloads.of(List.of(event)),
				new Invocation(functionId, parentRunId, parentStepKey), true, null);
	}

	/**
	 * Store a cron tick's event in the current transaction, with a run for the ticking
	 * function alone.
	 */
	SendResult writeCronTick(Event event, String functionId) {
		return write(List.of(event), this.payloads.of(List.of(event)), new Invocation(functionId, null, null), true,
				null);
	}

	/**
	 * Hand new runs of this application's functions straight to its worker when it has
	 * threads free and the send commits in a transaction of its own: they are inserted
	 * already leased to it and start as soon as the send commits, without a claim (the
	 * queue's transaction and the wait for the dispatcher). If the instance dies before
	 * they finish, their lease expires and any instance claims them, as for any run it
	 * held.
	 * @param worker the worker
	 */
	void startLocally(Worker worker) {
		this.local = worker;
	}

	RunEndings endings() {
		return this.endings;
	}

	Cancellations cancellations() {
		return this.cancellations;
	}

	private SendResult write(List<Event> events, List<EventPayloads.Payload> payloads, @Nullable Invocation invocation,
			boolean storeDuplicates, @Nullable Worker starter) {
		Instant now = this.clock.instant();
		List<String> ids = events.stream().map(Event::id).toList();
		AcceptedEvents fresh = this.store.acceptNewEvents(events.stream().map(Event::name).distinct().toList(),
				new LinkedHashSet<>(ids), now, now.minus(this.settings.dedupWindow()));
		Set<String> triggered = new HashSet<>();
		List<NewEvent> rows = new ArrayList<>(events.size());
		List<NewRun> runs = new ArrayList<>();
		List<NewWait> waits = new ArrayList<>();
		List<Event> accepted = new ArrayList<>();
		// Only new events trigger functions, and an invocation's only its function.
		FunctionDirectory.@Nullable View functions = (invocation == null && !fresh.ids().isEmpty())
				? this.directory.view(fresh.functionsVersion()) : null;
		Worker worker = TransactionSynchronizationManager.isSynchronizationActive() ? starter : null;
		List<ClaimedRun> started = new ArrayList<>();
		for (int i = 0; i < events.size(); i++) {
			Event event = events.get(i);
			String seq = Ids.next();
			boolean duplicate = !fresh.ids().contains(event.id()) || !triggered.add(event.id());
			if (duplicate && !storeDuplicates) {
				continue;
			}
			EventPayloads.Payload payload = payloads.get(i);
			// As the database stores it, so that a run started from memory sees what a
			// claimed one would.
			Instant ts = event.ts().truncatedTo(ChronoUnit.MICROS);
			NewEvent row = new NewEvent(seq, event.id(), event.name(), payload.data(), payload.user(), ts, event.v(),
					now, duplicate);
			rows.add(row);
			if (!duplicate) {
				accepted.add(event);
				boolean due = !ts.isAfter(now);
				for (FunctionDirectory.Target target : targetsFor(functions, event, invocation)) {
					NewRun run = newRun(target, seq, event.id(), ts, due ? now : ts, now, invocation);
					if (due && worker != null && target.appId().equals(this.settings.appId())
							&& worker.reserve(target.functionId())) {
						run = run.startedBy(worker.owner(), worker.leaseUntil());
						started.add(ClaimedRun.started(run, row));
					}
					runs.add(run);
					waits.addAll(cancelWaits(target, run.id(), now));
				}
			}
		}
		if (!started.isEmpty()) {
			// Registered before the insert, so that a failing one frees the threads too.
			Transactions.afterCompletion(() -> worker.startReserved(started), () -> worker.unreserve(started.size()));
		}
		List<PendingWait> pending = this.store.insertAndFindWaits(rows, runs, waits,
				accepted.stream().map(Event::name).distinct().toList(), now);
		boolean resumed = resolveWaits(accepted, runs, pending, now);
		List<String> queuedApps = runs.stream()
			.filter((run) -> run.leaseOwner() == null)
			.map(NewRun::appId)
			.distinct()
			.toList();
		if (!queuedApps.isEmpty() || resumed) {
			Transactions.afterCommit(this.onCommit);
			// A resumed wait may belong to any application.
			this.store.announce(resumed ? List.of("*") : queuedApps);
		}
		return new SendResult(ids, runs.stream().map(NewRun::id).toList());
	}

	private List<FunctionDirectory.Target> targetsFor(FunctionDirectory.@Nullable View functions, Event event,
			@Nullable Invocation invocation) {
		if (invocation == null) {
			return Objects.requireNonNull(functions).targetsFor(event);
		}
		return this.directory.local(invocation.functionId()).map(List::of).orElse(List.of());
	}

	/**
	 * Whether a function of any application could be triggered by events of a name, as
	 * the functions were last read: asked once per run ending, for its system event, so
	 * it must not cost a query.
	 */
	boolean hasTriggerFor(String eventName) {
		return this.directory.lastView().hasTriggerFor(eventName);
	}

	/**
	 * A new run of a function for a stored event, for a replay: its start timeout counts
	 * from when it is due, not from the event.
	 */
	NewRun replayRun(FunctionDirectory.Target target, ReplayableRun run, Instant due, Instant now) {
		return newRun(target, run.eventSeq(), run.eventId(), due, due, now, null);
	}

	private static NewRun newRun(FunctionDirectory.Target target, String seq, String eventId, Instant startFrom,
			Instant due, Instant now, @Nullable Invocation invocation) {
		Duration start = target.startTimeout();
		return new NewRun(Ids.next(), target.appId(), target.functionId(), seq, eventId, due, now,
				(start != null) ? startFrom.plus(start) : null,
				(start != null) ? "Not started within the start timeout of " + start : null,
				(invocation != null) ? invocation.parentRunId() : null,
				(invocation != null) ? invocation.parentStepKey() : null, null);
	}

	static List<NewWait> cancelWaits(FunctionDirectory.Target target, String runId, Instant now) {
		List<NewWait> waits = new ArrayList<>();
		for (int i = 0; i < target.cancelOn().size(); i++) {
			FunctionDefinition.CancelRule rule = target.cancelOn().get(i);
			Instant expires = (rule.timeout() != null) ? now.plus(rule.timeout()) : NEVER;
			waits.add(new NewWait(runId, "cancel-" + i, NewWait.CANCEL, rule.event(), rule.match(), expires));
		}
		return waits;
	}

	/**
	 * Resume the runs waiting for these events and cancel those they cancel, each once:
	 * the waiting step's row is the arbiter when several events or instances race.
	 */
	private boolean resolveWaits(List<Event> events, List<NewRun> created, List<PendingWait> pending, Instant now) {
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
					this.cancellations.cancel(matcher.runId(),
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
		StoredStep resolved = new StoredStep(matcher.stepKey(), 0, StepStatus.COMPLETED,
				StoredEvents.toJson(event, this.serializer), StoredEvents.OUTPUT_TYPE, null, null, 1, null, now, now);
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
		Expression expression = this.matchExpressions.computeIfAbsent(match, EventExpressions::parse);
		Event trigger = StoredEvents.trigger(wait.trigger(), this.serializer);
		return EventExpressions.isTrue(expression,
				Map.of("event", EventExpressions.asMap(trigger), "async", EventExpressions.asMap(event)));
	}

	/**
	 * A run created for one function whatever the triggers say: an invocation, with its
	 * parent, or a cron tick, without.
	 */
	private record Invocation(String functionId, @Nullable String parentRunId, @Nullable String parentStepKey) {
	}

	/** The expiry of a matcher that lasts as long as its run. */
	private static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

}
