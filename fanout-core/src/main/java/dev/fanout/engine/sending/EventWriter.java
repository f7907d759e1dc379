package dev.fanout.engine.sending;

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
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.fanout.Event;
import dev.fanout.SendResult;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.event.EventPayloads;
import dev.fanout.engine.event.MatchKeys;
import dev.fanout.engine.function.FunctionCatalog;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.function.GateKeys;
import dev.fanout.engine.observe.Telemetry;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.engine.support.Transactions;
import dev.fanout.internal.Ids;
import dev.fanout.spi.FanoutMetrics;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.AcceptedEvents;
import dev.fanout.store.NewEvent;
import dev.fanout.store.NewRun;
import dev.fanout.store.NewWait;
import dev.fanout.store.ReplayableRun;
import dev.fanout.store.RunFlow;
import dev.fanout.store.RunStore;
import dev.fanout.store.StoredEvent;
import dev.fanout.store.WaitLookup;

/**
 * Writes events and the runs they trigger, in the current transaction: the events, one
 * run per (function, event) with the runs' cancellation matchers, and the resumption or
 * cancellation of the runs whose matchers they match. Wakes the local worker once they
 * commit.
 *
 * @since 0.1.0
 */
public final class EventWriter {

	/** The expiry of a matcher that lasts as long as its run. */
	private static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

	private final FunctionCatalog catalog;

	private final RunStore store;

	private final EventPayloads payloads;

	private final EngineSettings settings;

	private final Clock clock;

	private final Runnable onCommit;

	private final Matchers matchers;

	private final EnqueueControls controls;

	private final Telemetry telemetry;

	/** This instance's worker, when it runs functions; see {@link #startLocally}. */
	private volatile @Nullable DirectStart local;

	/**
	 * Create a writer.
	 * @param catalog the functions of every application
	 * @param store the store
	 * @param serializer writes event data
	 * @param settings the settings (application id, dedup window and limits)
	 * @param clock the clock
	 * @param onCommit called after a commit that created or resumed runs
	 * @param canceller cancels the runs that an event's matchers match
	 * @param controls decides for functions with enqueue-time flow control
	 * @param telemetry reports the events sent and the runs created
	 */
	public EventWriter(FunctionCatalog catalog, RunStore store, PayloadSerializer serializer, EngineSettings settings,
			Clock clock, Runnable onCommit, RunCanceller canceller, EnqueueControls controls, Telemetry telemetry) {
		this.catalog = catalog;
		this.store = store;
		this.payloads = new EventPayloads(settings.limits(), serializer, clock);
		this.settings = settings;
		this.clock = clock;
		this.onCommit = onCommit;
		this.matchers = new Matchers(store, serializer, canceller);
		this.controls = controls;
		this.telemetry = telemetry;
	}

	/**
	 * Hand new runs of this application's functions straight to its worker when it has
	 * threads free and the send commits in a transaction of its own.
	 * @param worker the worker
	 */
	public void startLocally(DirectStart worker) {
		this.local = worker;
	}

	/**
	 * The worker to hand a send's runs to, when the send commits in a transaction of its
	 * own: a caller's transaction may last long after the insert, and a run must not look
	 * started before its send commits.
	 * @return the worker, or {@code null}
	 */
	@Nullable DirectStart localStarter() {
		return TransactionSynchronizationManager.isActualTransactionActive() ? null : this.local;
	}

	/**
	 * Store events in the current transaction; for system events and the sends of steps.
	 * @param events the events
	 * @param source who sends them, {@link EventSources#SYSTEM} or
	 * {@link EventSources#STEP}
	 * @return the result
	 * @throws IllegalArgumentException if an event breaks a limit
	 */
	public SendResult write(List<Event> events, String source) {
		return write(events, this.payloads.of(events), null, null, new Origin(source, null));
	}

	/**
	 * Store the trigger of an invoked function's run, in the current transaction: the run
	 * is created for that function alone, whatever the triggers say, and remembers its
	 * parent.
	 * @param event the trigger
	 * @param functionId the invoked function
	 * @param parentRunId the invoking run
	 * @param parentStepKey the invoking step
	 * @return the result
	 */
	public SendResult writeInvocation(Event event, String functionId, String parentRunId, String parentStepKey) {
		return write(List.of(event), this.payloads.of(List.of(event)),
				new Target(functionId, parentRunId, parentStepKey), null, Origin.SYSTEM);
	}

	/**
	 * Whether a function can be invoked: one of this application's, or of another on the
	 * database.
	 * @param functionId the function id
	 * @return whether it exists
	 */
	public boolean canInvoke(String functionId) {
		return this.catalog.find(functionId).isPresent();
	}

	/**
	 * Store a cron tick's event in the current transaction, with a run for the ticking
	 * function alone.
	 * @param event the tick's event
	 * @param functionId the function
	 * @return the result
	 */
	public SendResult writeCronTick(Event event, String functionId) {
		return write(List.of(event), this.payloads.of(List.of(event)), new Target(functionId, null, null), null,
				Origin.SYSTEM);
	}

	/**
	 * Store events and the runs they trigger. An event whose id was seen within the dedup
	 * window, or earlier in the same send, is not stored again and triggers nothing; its
	 * id is returned all the same. A function with enqueue-time flow control gets the run
	 * its controls decide, after the send's others.
	 */
	SendResult write(List<Event> events, List<EventPayloads.Payload> payloads, @Nullable Target only,
			@Nullable DirectStart starter, Origin origin) {
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
		FunctionCatalog.@Nullable View functions = (only == null && !fresh.ids().isEmpty())
				? this.catalog.view(fresh.functionsVersion()) : null;
		LocalStarts local = new LocalStarts(
				TransactionSynchronizationManager.isSynchronizationActive() ? starter : null, this.settings.appId(),
				this.store);
		List<EnqueueControls.Candidate> controlled = new ArrayList<>();
		for (int i = 0; i < events.size(); i++) {
			Event event = events.get(i);
			if (!fresh.ids().contains(event.id()) || !triggered.add(event.id())) {
				continue;
			}
			NewEvent row = newEvent(event, payloads.get(i), now, origin.traceContext());
			rows.add(row);
			accepted.add(event);
			StoredEvent stored = row.event();
			boolean due = !stored.ts().isAfter(now);
			EventMap trigger = new EventMap(event);
			for (FunctionCatalog.Target target : targetsFor(functions, event, only)) {
				if (target.flow().decidesAtEnqueue() && (only == null || only.parentRunId() == null)) {
					controlled
						.add(new EnqueueControls.Candidate(target, stored, trigger.get(), due ? now : stored.ts()));
					continue;
				}
				NewRun run = newRun(target, stored.seq(), event.id(), stored.ts(), due ? now : stored.ts(), now, only,
						target.flow().runFlow(target.appId(), target.functionId(), trigger));
				if (due) {
					run = local.startIfFree(run, row);
				}
				runs.add(run);
				if (!target.cancelOn().isEmpty()) {
					waits.addAll(cancelWaits(target, run.id(), now, trigger.get()));
				}
			}
		}
		local.handOverAtCompletion();
		EnqueueControls.Admitted admitted = controlled.isEmpty() ? EnqueueControls.Admitted.NONE
				: admit(controlled, now, runs, waits);
		WaitLookup pending = this.store.insertAndFindWaits(rows, runs, waits,
				accepted.stream().map(Event::name).distinct().toList(), now);
		boolean resumed = this.matchers.resolve(accepted, runs, pending, now);
		this.store.openGates(
				GateKeys.merged(Stream.concat(GateKeys.openings(runs).stream(), admitted.gates().stream()).toList()));
		List<String> queuedApps = Stream
			.concat(runs.stream().filter((run) -> run.leaseOwner() == null).map(NewRun::appId),
					admitted.rescheduledApps().stream())
			.distinct()
			.toList();
		if (!queuedApps.isEmpty() || resumed) {
			Transactions.afterCommit(this.onCommit);
			// A resumed wait may belong to any application.
			this.store.announce(resumed ? List.of("*") : queuedApps);
		}
		report(origin.source(), accepted.size(), runs);
		return new SendResult(ids, runs.stream().map(NewRun::id).toList());
	}

	/**
	 * Report the events stored and the runs created once they commit; counted only when
	 * metrics are on.
	 */
	private void report(String source, int events, List<NewRun> runs) {
		if (!this.telemetry.isMetering() || (events == 0 && runs.isEmpty())) {
			return;
		}
		Map<String, Integer> created = new HashMap<>();
		runs.forEach((run) -> created.merge(run.functionId(), 1, Integer::sum));
		FanoutMetrics metrics = this.telemetry.metrics();
		Transactions.afterCommit(() -> {
			if (events > 0) {
				metrics.eventsSent(source, events);
			}
			created.forEach(metrics::runsCreated);
		});
	}

	/**
	 * Let the enqueue-time controls decide, adding the runs they make and their matchers.
	 * An invoked function's run is never theirs to decide: its caller waits for it.
	 * @return what they decided
	 */
	private EnqueueControls.Admitted admit(List<EnqueueControls.Candidate> controlled, Instant now, List<NewRun> runs,
			List<NewWait> waits) {
		EnqueueControls.Admitted admitted = this.controls.admit(controlled, now);
		for (EnqueueControls.Created created : admitted.runs()) {
			runs.add(created.run());
			if (!created.target().cancelOn().isEmpty()) {
				waits.addAll(cancelWaits(created.target(), created.run().id(), now, created.trigger()));
			}
		}
		return admitted;
	}

	/**
	 * An event's row. Its time is kept as the database stores it, so that a run started
	 * from memory sees what a claimed one would.
	 */
	private static NewEvent newEvent(Event event, EventPayloads.Payload payload, Instant now,
			@Nullable String traceContext) {
		StoredEvent stored = StoredEvent
			.of(Ids.next(), event.id(), event.name(), event.ts().truncatedTo(ChronoUnit.MICROS))
			.v(event.v())
			.traceContext(traceContext)
			.payload(payload.data(), payload.user());
		return new NewEvent(stored, now);
	}

	private List<FunctionCatalog.Target> targetsFor(FunctionCatalog.@Nullable View functions, Event event,
			@Nullable Target only) {
		if (only == null) {
			return Objects.requireNonNull(functions).targetsFor(event);
		}
		return this.catalog.find(only.functionId()).map(List::of).orElse(List.of());
	}

	/**
	 * Whether a function of any application could be triggered by events of a name, as
	 * the functions were last read: asked once per run ending, for its system event, so
	 * it must not cost a query.
	 * @param eventName the event name
	 * @return whether some trigger matches the name
	 */
	public boolean hasTriggerFor(String eventName) {
		return this.catalog.lastView().hasTriggerFor(eventName);
	}

	/**
	 * A new run of a function for a stored event, for a replay: its start timeout counts
	 * from when it is due, not from the event.
	 * @param target the function
	 * @param run the run replayed
	 * @param due when the new run is due
	 * @param now the current time
	 * @return the new run
	 */
	public static NewRun replayRun(FunctionCatalog.Target target, ReplayableRun run, Instant due, Instant now) {
		return newRun(target, run.eventSeq(), run.eventId(), due, due, now, null, run.flow());
	}

	private static NewRun newRun(FunctionCatalog.Target target, String seq, String eventId, Instant startFrom,
			Instant due, Instant now, @Nullable Target only, RunFlow flow) {
		NewRun.Builder run = runOf(target, Ids.next(), seq, eventId, startFrom).flow(flow);
		if (only != null) {
			run.parent(only.parentRunId(), only.parentStepKey());
		}
		return run.queued(due, now);
	}

	/**
	 * A run of a function for an event, with its start deadline, for the caller to queue.
	 * @param target the function
	 * @param runId the run id
	 * @param seq the row key of the triggering event
	 * @param eventId the id of the triggering event
	 * @param startFrom when the start timeout starts counting
	 * @return the run's builder
	 */
	static NewRun.Builder runOf(FunctionCatalog.Target target, String runId, String seq, String eventId,
			Instant startFrom) {
		NewRun.Builder run = NewRun.of(runId, target.appId(), target.functionId()).triggeredBy(seq, eventId);
		Duration start = target.startTimeout();
		if (start != null) {
			run.deadline(startFrom.plus(start), "Not started within the start timeout of " + start);
		}
		return run;
	}

	/**
	 * The matchers of a new run's cancellation rules.
	 * @param target the run's function
	 * @param runId the run
	 * @param now the current time
	 * @param trigger the run's trigger as a map, for matchers found by key, or
	 * {@code null} to leave every matcher to its expression
	 * @return the matchers
	 */
	public static List<NewWait> cancelWaits(FunctionCatalog.Target target, String runId, Instant now,
			@Nullable Map<String, Object> trigger) {
		List<NewWait> waits = new ArrayList<>();
		for (int i = 0; i < target.cancelOn().size(); i++) {
			FunctionDefinition.CancelRule rule = target.cancelOn().get(i);
			Instant expires = (rule.timeout() != null) ? now.plus(rule.timeout()) : NEVER;
			NewWait wait = NewWait.forCancel(runId, "cancel-" + i, rule.event(), rule.match(), expires);
			waits.add((trigger != null) ? MatchKeys.keyed(wait, trigger) : wait);
		}
		return waits;
	}

	/**
	 * An event as the map that expressions read, made once, when a function first needs
	 * it.
	 */
	private static final class EventMap implements Supplier<Map<String, Object>> {

		private final Event event;

		private @Nullable Map<String, Object> map;

		EventMap(Event event) {
			this.event = event;
		}

		@Override
		public Map<String, Object> get() {
			if (this.map == null) {
				this.map = EventExpressions.asMap(this.event);
			}
			return this.map;
		}

	}

	/**
	 * Who sent events, and the trace context of the send, stored with them.
	 *
	 * @param source who sent them, one of {@link EventSources}
	 * @param traceContext the propagation headers as JSON, or {@code null}
	 */
	record Origin(String source, @Nullable String traceContext) {

		static final Origin SYSTEM = new Origin(EventSources.SYSTEM, null);

	}

	/**
	 * A run created for one function whatever the triggers say: an invocation, with its
	 * parent, or a cron tick, without.
	 */
	record Target(String functionId, @Nullable String parentRunId, @Nullable String parentStepKey) {
	}

}
