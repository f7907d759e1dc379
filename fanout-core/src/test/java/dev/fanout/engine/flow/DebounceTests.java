package dev.fanout.engine.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Debounce;
import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Debounce} (issue 18): a run starts a period after the last event of its key,
 * with that event as its trigger, and at the latest the timeout after the window's first
 * event; the earlier events have no run and are counted as skipped.
 */
class DebounceTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void theLastEventOfTheWindowTriggersTheRunAPeriodLater(TestDatabase database) {
		Digests digests = new Digests();
		TestEngine engine = this.fixture.start(database, digests);
		Event first = comment(1);
		Event second = comment(1);
		Event last = comment(1);
		Event otherPost = comment(2);
		SendResult opened = engine.sender().send(first);
		assertThat(opened.runIds()).hasSize(1);
		assertThat(engine.sender().send(second).runIds()).isEmpty();
		Instant lastSent = Instant.now();
		assertThat(engine.sender().send(last).runIds()).isEmpty();
		SendResult other = engine.sender().send(otherPost);
		RunInfo run = engine.awaitRun(opened.runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.eventId()).isEqualTo(last.id());
		assertThat(run.startedAt()).isAfterOrEqualTo(lastSent.plusSeconds(1));
		assertThat(engine.awaitRuns(other)).extracting(RunInfo::eventId).containsExactly(otherPost.id());
		assertThat(digests.triggers).containsExactlyInAnyOrder(last.id(), otherPost.id());
		assertThat(engine.admin().runsForEvent(first.id())).isEmpty();
		assertThat(engine.admin().runsForEvent(second.id())).isEmpty();
		assertThat(engine.admin().runsForEvent(last.id())).extracting(RunInfo::runId).containsExactly(run.runId());
		assertThat(engine.admin().skippedEvents()).isEqualTo(Map.of("digest", Map.of("debounce", 2L)));
	}

	@OnEachDatabase
	void eventsOfOneSendMakeOneRunOfTheLast(TestDatabase database) {
		Digests digests = new Digests();
		TestEngine engine = this.fixture.start(database, digests);
		List<Event> events = List.of(comment(3), comment(3), comment(3));
		SendResult sent = engine.sender().sendAll(events);
		assertThat(engine.awaitRuns(sent)).extracting(RunInfo::eventId).containsExactly(events.get(2).id());
		assertThat(engine.admin().skippedEvents()).isEqualTo(Map.of("digest", Map.of("debounce", 2L)));
	}

	@OnEachDatabase
	void theTimeoutStartsTheRunWhileEventsKeepComing(TestDatabase database) {
		Digests digests = new Digests();
		TestEngine engine = this.fixture.start(database, digests);
		Instant firstSent = Instant.now();
		Event first = Event.of("app/vote", Map.of("poll", 1));
		String runId = engine.sender().send(first).runIds().get(0);
		// An event every 200 ms: without the timeout the one second period never ends.
		awaiting().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
			engine.send("app/vote", Map.of("poll", 1));
			return !digests.tallies.isEmpty();
		});
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(Duration.between(firstSent, run.startedAt())).isBetween(Duration.ofSeconds(2),
				Duration.ofMillis(3500));
		assertThat(digests.tallies.get(0)).isEqualTo(run.eventId());
		assertThat(run.eventId()).as("a later event of the window").isNotEqualTo(first.id());
	}

	private static Event comment(int post) {
		return Event.of("app/comment", Map.of("post", post));
	}

	static class Digests {

		final List<String> triggers = new CopyOnWriteArrayList<>();

		final List<String> tallies = new CopyOnWriteArrayList<>();

		@EventFunction(id = "digest", event = "app/comment")
		@Debounce(period = "1s", key = "event.data.post")
		void digest(Event event, RunContext run) {
			assertThat(run.events()).containsExactly(event);
			this.triggers.add(event.id());
		}

		@EventFunction(id = "tally", event = "app/vote")
		@Debounce(period = "1s", key = "event.data.poll", timeout = "2s")
		void tally(Event event) {
			this.tallies.add(event.id());
		}

	}

}
