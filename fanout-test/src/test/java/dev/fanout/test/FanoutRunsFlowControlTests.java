package dev.fanout.test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Batch;
import dev.fanout.CancelRequest;
import dev.fanout.CancelResult;
import dev.fanout.Debounce;
import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.EventInfo;
import dev.fanout.FanoutAdmin;
import dev.fanout.FunctionInfo;
import dev.fanout.ReplayRequest;
import dev.fanout.ReplayResult;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link FanoutRuns} on a real engine, on H2 and PostgreSQL, for runs that flow control
 * gives several events (issue 18): each event of a batch awaits the batch's run; the last
 * event of a debounce window awaits the run due a period later; an event whose debounced
 * run a later event took over fails at once when the await saw it happen, and otherwise
 * at the timeout, saying why it may have no run.
 */
class FanoutRunsFlowControlTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void awaitEventFindsTheBatchedRunThroughEachOfItsEvents(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new FlowFunctions());
		FanoutRuns runs = new FanoutRuns(engine.admin());
		List<Event> rows = List.of(row("a"), row("b"), row("c"));
		SendResult sent = engine.sender().sendAll(rows);
		assertThat(sent.runIds()).hasSize(1);

		for (Event row : rows) {
			EventRuns batch = runs.awaitEvent(row.id(), RunStatus.COMPLETED);
			assertThat(batch.runs()).extracting(RunInfo::runId).containsExactly(sent.runIds().get(0));
			assertThat(batch.run("import-rows").eventId()).isEqualTo(rows.get(0).id());
		}
		EventRuns last = runs.awaitEvent(rows.get(2).id(), Map.of("import-rows", RunStatus.COMPLETED));
		assertThat(runs.output(last.run("import-rows"), List.class)).isEqualTo(List.of("a", "b", "c"));
		assertThat(runs.awaitEventEnded(rows.get(1).id()).runs()).hasSize(1);
	}

	@OnEachDatabase
	void awaitEventWaitsForABatchThatStartsAtItsTimeout(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new FlowFunctions());
		FanoutRuns runs = new FanoutRuns(engine.admin());
		Event first = Event.of("app/click", Map.of());
		Event second = Event.of("app/click", Map.of());
		engine.sender().send(first);
		engine.sender().send(second);

		RunInfo run = runs.awaitEvent(second.id(), RunStatus.COMPLETED).run("count-clicks");

		assertThat(run.eventId()).isEqualTo(first.id());
		assertThat(runs.output(run, Integer.class)).isEqualTo(2);
		assertThat(Duration.between(run.createdAt(), run.startedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
	}

	@OnEachDatabase
	void awaitEventWaitsForTheDebouncedRunOfTheWindowsLastEvent(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new FlowFunctions());
		FanoutRuns runs = new FanoutRuns(engine.admin());
		Event first = comment(1);
		String runId = engine.sender().send(first).runIds().get(0);
		engine.sender().send(comment(1));
		Instant lastSent = Instant.now();
		Event last = comment(1);
		engine.sender().send(last);

		RunInfo run = runs.awaitEvent(last.id(), Map.of("digest", RunStatus.COMPLETED)).run("digest");

		assertThat(run.runId()).as("the run made for the window's first event").isEqualTo(runId);
		assertThat(run.eventId()).isEqualTo(last.id());
		assertThat(run.startedAt()).isAfterOrEqualTo(lastSent.plusSeconds(1));
		assertThat(runs.output(run, String.class)).isEqualTo(last.id());
	}

	@OnEachDatabase
	void awaitingAnEventWhoseDebouncedRunALaterEventTookOverFailsAtOnce(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new FlowFunctions());
		Event first = note(1, false);
		Event later = note(1, false);
		String runId = engine.sender().send(first).runIds().get(0);
		// The later event of the window comes once the await has seen the first one's
		// run.
		FanoutRuns runs = new FanoutRuns(new SendingOnFirstRun(engine, later)).withTimeout(Duration.ofMinutes(5));

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> runs.awaitEvent(first.id(), RunStatus.COMPLETED))
			.withMessageContaining("Runs of event " + first.id() + " are not all COMPLETED")
			.withMessageContaining("event " + first.id() + " had run " + runId + " of 'weekly-digest', which event "
					+ later.id() + " took over (a later event of its @Debounce window)")
			.withMessageContaining("await event " + later.id() + " instead")
			.withMessageContaining("run " + runId + " of 'weekly-digest' (event " + later.id() + "): QUEUED")
			.withMessageNotContaining("Timed out");
	}

	@OnEachDatabase
	void awaitingTheFunctionOfAnEventWhoseDebouncedRunWasTakenOverFailsAtOnceAndItsOtherRunsRemain(
			TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new FlowFunctions());
		Event first = note(2, true);
		Event later = note(2, false);
		engine.sender().send(first);
		FanoutRuns runs = new FanoutRuns(new SendingOnFirstRun(engine, later)).withTimeout(Duration.ofMinutes(5));

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> runs.awaitEvent(first.id(),
					Map.of("weekly-digest", RunStatus.COMPLETED, "audit-note", RunStatus.COMPLETED)))
			.withMessageContaining("no run of 'weekly-digest'")
			.withMessageContaining("which event " + later.id() + " took over")
			.withMessageNotContaining("Timed out");
		// The event's other run is still its own.
		assertThat(runs.awaitEvent(first.id(), RunStatus.COMPLETED).runs()).extracting(RunInfo::functionId)
			.containsExactly("audit-note");
	}

	@OnEachDatabase
	void awaitingAnEventThatADebounceSkippedTimesOutSayingWhyItMayHaveNoRun(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new FlowFunctions());
		FanoutRuns runs = new FanoutRuns(engine.admin()).withTimeout(Duration.ofMillis(300));
		Event first = note(3, false);
		Event later = note(3, false);
		engine.sender().send(first);
		engine.sender().send(later);

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> runs.awaitEvent(first.id(), RunStatus.COMPLETED))
			.withMessageContaining("Timed out after PT0.3S: Runs of event " + first.id() + " are not all COMPLETED")
			.withMessageContaining("no runs: the event may not have been sent (or its transaction not committed)")
			.withMessageContaining("events that flow control skipped, as this instance counted them: "
					+ "{weekly-digest={debounce=1}}")
			.withMessageContaining("await the last event of the window");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> runs.awaitEvent(first.id(), Map.of("weekly-digest", RunStatus.COMPLETED)))
			.withMessageContaining("no run of 'weekly-digest'")
			.withMessageContaining("{weekly-digest={debounce=1}}");
		assertThat(runs.withTimeout(Duration.ofMinutes(5)).awaitEvent(later.id(), RunStatus.QUEUED).runs())
			.extracting(RunInfo::functionId)
			.containsExactly("weekly-digest");
	}

	private static Event row(String name) {
		return Event.of("app/row.added", Map.of("name", name));
	}

	private static Event comment(int post) {
		return Event.of("app/comment", Map.of("post", post));
	}

	private static Event note(int topic, boolean audited) {
		return Event.of("app/note", Map.of("topic", topic, "audited", audited));
	}

	static class FlowFunctions {

		@EventFunction(id = "import-rows", event = "app/row.added")
		@Batch(maxSize = 3, timeout = "1h")
		List<Object> importRows(List<Event> rows) {
			return rows.stream().map((row) -> row.data().get("name")).toList();
		}

		@EventFunction(id = "count-clicks", event = "app/click")
		@Batch(maxSize = 10, timeout = "1s")
		int countClicks(List<Event> clicks) {
			return clicks.size();
		}

		@EventFunction(id = "digest", event = "app/comment")
		@Debounce(period = "1s", key = "event.data.post")
		String digest(Event comment) {
			return comment.id();
		}

		/** Its runs never start within a test: a taken-over run is still queued. */
		@EventFunction(id = "weekly-digest", event = "app/note")
		@Debounce(period = "1h", key = "event.data.topic")
		void weeklyDigest() {
		}

		@EventFunction(id = "audit-note", event = "app/note", filter = "event.data.audited == true")
		void auditNote() {
		}

	}

	/**
	 * The engine's admin, which sends an event once a read finds runs of the awaited
	 * event: that event arrives while the await goes on, at a known point and without
	 * waiting.
	 */
	static final class SendingOnFirstRun implements FanoutAdmin {

		private final TestEngine engine;

		private final Event event;

		private final AtomicBoolean sent = new AtomicBoolean();

		SendingOnFirstRun(TestEngine engine, Event event) {
			this.engine = engine;
			this.event = event;
		}

		@Override
		public List<RunInfo> runsForEvent(String eventId) {
			List<RunInfo> runs = this.engine.admin().runsForEvent(eventId);
			if (!runs.isEmpty() && this.sent.compareAndSet(false, true)) {
				this.engine.sender().send(this.event);
			}
			return runs;
		}

		@Override
		public Optional<RunInfo> run(String runId) {
			return this.engine.admin().run(runId);
		}

		@Override
		public Map<String, Map<String, Long>> skippedEvents() {
			return this.engine.admin().skippedEvents();
		}

		@Override
		public List<RunInfo> runs(RunQuery query) {
			return this.engine.admin().runs(query);
		}

		@Override
		public ReplayResult replay(ReplayRequest request) {
			return this.engine.admin().replay(request);
		}

		@Override
		public void cancel(String runId) {
			this.engine.admin().cancel(runId);
		}

		@Override
		public CancelResult cancel(CancelRequest request) {
			return this.engine.admin().cancel(request);
		}

		@Override
		public int countCancel(CancelRequest request) {
			return this.engine.admin().countCancel(request);
		}

		@Override
		public int countReplay(ReplayRequest request) {
			return this.engine.admin().countReplay(request);
		}

		@Override
		public void pause(String functionId) {
			this.engine.admin().pause(functionId);
		}

		@Override
		public void resume(String functionId) {
			this.engine.admin().resume(functionId);
		}

		@Override
		public List<FunctionInfo> functions() {
			return this.engine.admin().functions();
		}

		@Override
		public Optional<EventInfo> event(String eventId) {
			return this.engine.admin().event(eventId);
		}

	}

}
