package dev.fanout.engine.flow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Batch;
import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
import dev.fanout.RunContext;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Batch} (issue 18): one run receives up to {@code maxSize} events, as
 * {@code List<Event>} and {@link RunContext#events()}, started when the batch is full or
 * the timeout after its first event; each event of the batch finds that run.
 */
class BatchTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void aFullBatchStartsAtOnceAndEachOfItsEventsFindsItsRun(TestDatabase database) {
		Imports imports = new Imports();
		TestEngine engine = this.fixture.start(database, imports);
		List<Event> rows = List.of(row("a"), row("b"), row("c"), row("d"));
		SendResult opened = engine.sender().send(rows.get(0));
		assertThat(opened.runIds()).hasSize(1);
		assertThat(engine.sender().send(rows.get(1)).runIds()).isEmpty();
		assertThat(engine.sender().send(rows.get(2)).runIds()).isEmpty();
		// The batch is full: the next event opens another, which waits for its hour.
		SendResult next = engine.sender().send(rows.get(3));
		assertThat(next.runIds()).hasSize(1);
		String runId = opened.runIds().get(0);
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.eventId()).isEqualTo(rows.get(0).id());
		assertThat(imports.batches).containsExactly(ids(rows.subList(0, 3)));
		assertThat(imports.contextBatches).isEqualTo(imports.batches);
		for (Event event : rows.subList(0, 3)) {
			assertThat(engine.admin().runsForEvent(event.id())).extracting(RunInfo::runId).containsExactly(runId);
		}
		assertThat(engine.admin().runsForEvent(rows.get(3).id())).extracting(RunInfo::runId)
			.containsExactly(next.runIds().get(0));
		assertThat(engine.admin().run(next.runIds().get(0)).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
		assertThat(engine.admin().skippedEvents()).isEmpty();
	}

	@OnEachDatabase
	void aBatchThatDoesNotFillStartsAtItsTimeout(TestDatabase database) {
		Imports imports = new Imports();
		TestEngine engine = this.fixture.start(database, imports);
		List<Event> events = List.of(Event.of("app/click", Map.of()), Event.of("app/click", Map.of()));
		String runId = engine.sender().send(events.get(0)).runIds().get(0);
		assertThat(engine.sender().send(events.get(1)).runIds()).isEmpty();
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(Duration.between(run.createdAt(), run.startedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(imports.clicks).containsExactly(ids(events));
	}

	@OnEachDatabase
	void keysAreBatchedApartAndOneSendFillsSeveralBatches(TestDatabase database) {
		Imports imports = new Imports();
		TestEngine engine = this.fixture.start(database, imports);
		List<Event> events = List.of(keyed("x"), keyed("y"), keyed("x"), keyed("x"), keyed("y"));
		SendResult sent = engine.sender().sendAll(events);
		// x fills a batch of two and opens another; y fills one.
		assertThat(sent.runIds()).hasSize(3);
		RunInfo x = engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		RunInfo y = engine.awaitRun(sent.runIds().get(1), RunStatus.COMPLETED);
		assertThat(List.of(x.eventId(), y.eventId())).containsExactly(events.get(0).id(), events.get(1).id());
		assertThat(imports.keyed).containsExactlyInAnyOrder(List.of(events.get(0).id(), events.get(2).id()),
				List.of(events.get(1).id(), events.get(4).id()));
		assertThat(engine.admin().runsForEvent(events.get(3).id())).extracting(RunInfo::status)
			.containsExactly(RunStatus.QUEUED);
	}

	@OnEachDatabase
	void aFreshReplayOfABatchedRunGetsItsBatch(TestDatabase database) {
		Imports imports = new Imports();
		imports.fail.set(true);
		TestEngine engine = this.fixture.start(database, imports);
		List<Event> events = List.of(Event.of("app/sync", Map.of()), Event.of("app/sync", Map.of()));
		String failed = engine.sender().sendAll(events).runIds().get(0);
		engine.awaitRun(failed, RunStatus.FAILED);
		imports.fail.set(false);
		List<String> replayed = engine.admin()
			.replay(ReplayRequest.builder().function("sync").mode(ReplayMode.FRESH).build())
			.runIds();
		assertThat(replayed).hasSize(1).doesNotContain(failed);
		engine.awaitRun(replayed.get(0), RunStatus.COMPLETED);
		assertThat(imports.synced).containsExactly(ids(events), ids(events));
	}

	private static Event row(String name) {
		return Event.of("app/row", Map.of("name", name));
	}

	private static Event keyed(String key) {
		return Event.of("app/keyed", Map.of("k", key));
	}

	private static List<String> ids(List<Event> events) {
		return events.stream().map(Event::id).toList();
	}

	static class Imports {

		final List<List<String>> batches = new CopyOnWriteArrayList<>();

		final List<List<String>> contextBatches = new CopyOnWriteArrayList<>();

		final List<List<String>> clicks = new CopyOnWriteArrayList<>();

		final List<List<String>> keyed = new CopyOnWriteArrayList<>();

		final List<List<String>> synced = new CopyOnWriteArrayList<>();

		final AtomicBoolean fail = new AtomicBoolean();

		@EventFunction(id = "rows", event = "app/row")
		@Batch(maxSize = 3, timeout = "1h")
		void rows(List<Event> events, RunContext run) {
			this.batches.add(ids(events));
			this.contextBatches.add(ids(run.events()));
		}

		@EventFunction(id = "clicks", event = "app/click")
		@Batch(maxSize = 10, timeout = "1s")
		void clicks(List<Event> events) {
			this.clicks.add(ids(events));
		}

		@EventFunction(id = "keyed", event = "app/keyed")
		@Batch(maxSize = 2, timeout = "1h", key = "event.data.k")
		void keyed(RunContext run) {
			this.keyed.add(ids(run.events()));
		}

		@EventFunction(id = "sync", event = "app/sync", retries = 0)
		@Batch(maxSize = 2, timeout = "1h")
		void sync(List<Event> events) {
			this.synced.add(new ArrayList<>(ids(events)));
			if (this.fail.get()) {
				throw new NonRetriableException("The first sync fails");
			}
		}

	}

}
