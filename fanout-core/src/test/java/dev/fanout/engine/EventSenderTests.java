package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.EventLimitExceededException;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.store.jdbc.JdbcRunStore;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Sending: transactional with the caller's data, deduplicated by event id, and limited in
 * size.
 */
class EventSenderTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void sendInARolledBackTransactionStoresNothingAndRunsNothing(TestDatabase database) {
		Recorder recorder = new Recorder();
		TestEngine engine = this.fixture.start(database, recorder);
		FreshDatabase db = engine.database();
		SendResult rolledBack = db.transactionTemplate().execute((status) -> {
			SendResult sent = engine.send("app/user.signup", Map.of("email", "rolled-back"));
			status.setRollbackOnly();
			return sent;
		});
		assertThat(rolledBack.runIds()).hasSize(1);
		assertThat(db.count("fanout_events")).isZero();
		assertThat(db.count("fanout_event_ids")).isZero();
		assertThat(db.count("fanout_runs")).isZero();
		assertThat(engine.admin().runsForEvent(rolledBack.eventIds().get(0))).isEmpty();
		assertThat(engine.admin().run(rolledBack.runIds().get(0))).isEmpty();
		// A later event to the same function runs; the rolled-back one never does.
		SendResult committed = engine.send("app/user.signup", Map.of("email", "committed"));
		engine.awaitRun(committed.runIds().get(0), RunStatus.COMPLETED);
		assertThat(recorder.emails).containsExactly("committed");
	}

	@OnEachDatabase
	void sendInACommittedTransactionStartsTheRunsOnlyAfterTheCommit(TestDatabase database) {
		Recorder recorder = new Recorder();
		TestEngine engine = this.fixture.start(database, recorder);
		AtomicReference<Instant> committing = new AtomicReference<>();
		SendResult sent = engine.database().transactionTemplate().execute((status) -> {
			SendResult result = engine.send("app/user.signup", Map.of("email", "ada@example.com"));
			// The worker polls every 50 ms meanwhile; the uncommitted run must stay
			// invisible to it.
			awaiting().during(Duration.ofMillis(300)).until(recorder.emails::isEmpty);
			committing.set(Instant.now());
			return result;
		});
		engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		// The function's own clock: the stored start is the claim's, read just before
		// its query, which a commit can overtake.
		assertThat(recorder.startedAt).singleElement()
			.satisfies((started) -> assertThat(started).isAfter(committing.get()));
		assertThat(recorder.emails).containsExactly("ada@example.com");
	}

	@OnEachDatabase
	void aSendWaitsForAWaiterHoldingItsEventNameAndNoOther(TestDatabase database) throws Exception {
		FreshDatabase db = this.fixture.database(database);
		TestEngine engine = this.fixture.start(db, EngineFixture.settings(), new Recorder());
		JdbcRunStore store = JdbcRunStore.create(db.dataSource(), "fanout_", "test");
		CountDownLatch locked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// What a step waiting for 'app/user.signup' holds while it looks back for events.
		CompletableFuture<Void> waiter = CompletableFuture
			.runAsync(() -> db.transactionTemplate().executeWithoutResult((status) -> {
				store.lockEventNames(List.of("app/user.signup"), true);
				locked.countDown();
				awaiting().until(() -> release.getCount() == 0);
			}));
		assertThat(locked.await(TestEngine.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		CompletableFuture<SendResult> blocked = CompletableFuture
			.supplyAsync(() -> engine.send("app/user.signup", Map.of("email", "ada@example.com")));
		assertThat(engine.send("app/other", Map.of()).eventIds()).hasSize(1);
		awaiting().during(Duration.ofMillis(300)).until(() -> !blocked.isDone());
		release.countDown();
		waiter.get(TestEngine.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		SendResult sent = blocked.get(TestEngine.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(engine.awaitRun(sent.runIds().get(0)).status()).isEqualTo(RunStatus.COMPLETED);
	}

	@OnEachDatabase
	void sendJoinsTheCallersTransactionWithItsOwnData(TestDatabase database) {
		Recorder recorder = new Recorder();
		TestEngine engine = this.fixture.start(database, recorder);
		FreshDatabase db = engine.database();
		db.jdbc().execute("CREATE TABLE app_users (email VARCHAR(100) PRIMARY KEY)");
		SendResult sent = db.transactionTemplate().execute((status) -> {
			db.jdbc().update("INSERT INTO app_users (email) VALUES (?)", "ada@example.com");
			return engine.send("app/user.signup", Map.of("email", "ada@example.com"));
		});
		engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(db.count("app_users")).isOne();
		assertThat(recorder.emails).containsExactly("ada@example.com");
	}

	@OnEachDatabase
	void rejectedEventDoesNotSpoilTheCallersTransaction(TestDatabase database) {
		Recorder recorder = new Recorder();
		TestEngine engine = this.fixture.start(database, recorder);
		SendResult sent = engine.database().transactionTemplate().execute((status) -> {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> engine.send("app/user.signup", Map.of("blob", "x".repeat(600 * 1024))));
			return engine.send("app/user.signup", Map.of("email", "ada@example.com"));
		});
		engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(engine.database().count("fanout_events")).isOne();
	}

	@OnEachDatabase
	void anEventIdSeenBeforeIsNotStoredAgainAndTriggersNothing(TestDatabase database) {
		Recorder recorder = new Recorder();
		TestEngine engine = this.fixture.start(database, recorder);
		Event event = Event.builder("app/user.signup").id("signup-42").data(Map.of("email", "ada@example.com")).build();
		SendResult first = engine.sender().send(event);
		SendResult second = engine.sender().send(event);
		assertThat(first.eventIds()).containsExactly("signup-42");
		assertThat(first.runIds()).hasSize(1);
		assertThat(second.eventIds()).containsExactly("signup-42");
		assertThat(second.runIds()).isEmpty();
		engine.awaitRun(first.runIds().get(0), RunStatus.COMPLETED);
		assertThat(engine.eventRows("signup-42")).hasSize(1);
		assertThat(engine.admin().runsForEvent("signup-42")).extracting(RunInfo::runId)
			.containsExactlyElementsOf(first.runIds());
		assertThat(recorder.emails).containsExactly("ada@example.com");
	}

	@OnEachDatabase
	void aRepeatedIdWithinOneSendIsADuplicateOfTheFirst(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Recorder());
		Event event = Event.builder("app/user.signup").id("signup-7").build();
		SendResult sent = engine.sender().sendAll(List.of(event, event));
		assertThat(sent.eventIds()).containsExactly("signup-7", "signup-7");
		assertThat(sent.runIds()).hasSize(1);
		assertThat(engine.eventRows("signup-7")).hasSize(1);
	}

	@OnEachDatabase
	void aResentSendStoresOnlyItsNewEvents(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Recorder());
		Event first = Event.builder("app/user.signup").id("retried-1").build();
		Event second = Event.builder("app/user.signup").id("retried-2").build();
		SendResult sent = engine.sender().sendAll(List.of(first, second));
		SendResult resent = engine.sender()
			.sendAll(List.of(first, second, first, Event.builder("app/user.signup").id("new").build()));
		assertThat(sent.runIds()).hasSize(2);
		assertThat(resent.eventIds()).containsExactly("retried-1", "retried-2", "retried-1", "new");
		assertThat(resent.runIds()).singleElement()
			.satisfies((runId) -> assertThat(engine.admin().run(runId).orElseThrow().eventId()).isEqualTo("new"));
		assertThat(engine.database().count("fanout_events")).isEqualTo(3);
		assertThat(engine.database().count("fanout_runs")).isEqualTo(3);
	}

	@OnEachDatabase
	void aStringNoDatabaseStoresAsItIsRejectsTheSendNamingTheField(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Recorder());
		String lone = "\uD800";
		Map<String, Event> cases = new LinkedHashMap<>();
		cases.put("name contains a NUL character", Event.builder("app/user\0signup").build());
		cases.put("id contains an unpaired UTF-16 surrogate", Event.builder("app/user.signup").id("a" + lone).build());
		cases.put("v contains a NUL character", Event.builder("app/user.signup").v("1\0").build());
		cases.put("data.user.name contains a NUL character",
				Event.of("app/user.signup", Map.of("user", Map.of("name", "Ada\0"))));
		cases.put("data.tags[1] contains an unpaired UTF-16 surrogate",
				Event.of("app/user.signup", Map.of("tags", List.of("ok", lone + "x"))));
		cases.put("a key of data contains a NUL character", Event.of("app/user.signup", Map.of("k\0", 1)));
		cases.put("user.id contains an unpaired UTF-16 surrogate",
				Event.builder("app/user.signup").user(Map.of("id", "\uDC00")).build());
		cases.forEach((problem, event) -> assertThatIllegalArgumentException()
			.isThrownBy(() -> engine.sender().sendAll(List.of(Event.of("app/user.signup", Map.of()), event)))
			.withMessageContaining("Event 1 (")
			.withMessageContaining(problem));
		assertThat(engine.database().count("fanout_events")).isZero();
		assertThat(engine.database().count("fanout_event_ids")).isZero();
		SendResult paired = engine.sender().send(Event.of("app/user.signup", Map.of("emoji", "\uD83D\uDE00")));
		assertThat(paired.runIds()).hasSize(1);
	}

	@OnEachDatabase
	void anEventMoreThanAYearAheadIsRejectedNamingTs(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Recorder());
		Instant farAway = Instant.now().plus(Duration.ofDays(400));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> engine.sender().send(Event.builder("app/user.signup").ts(farAway).build()))
			.withMessageContaining("ts " + farAway + " is more than a year ahead");
		assertThat(engine.database().count("fanout_events")).isZero();
		SendResult later = engine.sender()
			.send(Event.builder("app/user.signup").ts(Instant.now().plus(Duration.ofDays(300))).build());
		assertThat(engine.admin().run(later.runIds().get(0)).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
	}

	@OnEachDatabase
	void tooLargeSendsAreToldApartFromMalformedOnes(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Recorder());
		assertThatExceptionOfType(EventLimitExceededException.class)
			.isThrownBy(() -> engine.send("app/user.signup", Map.of("blob", "x".repeat(512 * 1024))));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> engine.sender().send(Event.builder("app/user.signup").v("v".repeat(65)).build()))
			.isNotInstanceOf(EventLimitExceededException.class)
			.withMessageContaining("v must be at most 64 characters");
		assertNothingStored(engine.database());
	}

	@OnEachDatabase
	void idSeenBeforeTheDedupWindowTriggersAgain(TestDatabase database) {
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().dedupWindow(Duration.ZERO).build(), new Recorder());
		Event event = Event.builder("app/user.signup").id("signup-9").build();
		SendResult first = engine.sender().send(event);
		SendResult second = engine.sender().send(event);
		assertThat(first.runIds()).hasSize(1);
		assertThat(second.runIds()).hasSize(1).doesNotContainAnyElementsOf(first.runIds());
	}

	@OnEachDatabase
	void eventNameOverTheLimitIsRejectedAndNothingIsStored(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Recorder());
		assertThatIllegalArgumentException().isThrownBy(() -> engine.send("app/" + "x".repeat(253), Map.of()))
			.withMessageContaining("name must be 1 to 256 characters")
			.withMessageContaining("not 257");
		assertNothingStored(engine.database());
	}

	@OnEachDatabase
	void payloadOverTheLimitIsRejectedAndNothingIsStored(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Recorder());
		Event small = Event.of("app/user.signup", Map.of("email", "ada@example.com"));
		Event large = Event.of("app/user.signup", Map.of("blob", "x".repeat(512 * 1024)));
		assertThatIllegalArgumentException().isThrownBy(() -> engine.sender().sendAll(List.of(small, large)))
			.withMessageContaining("Event 1 ('app/user.signup')")
			.withMessageContaining("over the limit of 524288 bytes (fanout.events.max-payload-size)");
		assertNothingStored(engine.database());
	}

	@OnEachDatabase
	void tooManyEventsAtOnceAreRejected(TestDatabase database) {
		TestEngine engine = this.fixture.start(this.fixture.database(database),
				EngineFixture.settings().toBuilder().maxEventsPerSend(2).build(), new Recorder());
		List<Event> events = List.of(Event.of("a/b", Map.of()), Event.of("a/b", Map.of()), Event.of("a/b", Map.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> engine.sender().sendAll(events))
			.withMessageContaining("the limit is 2");
		assertNothingStored(engine.database());
	}

	@OnEachDatabase
	void systemEventNamesAreReservedForTheEngine(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Recorder());
		assertThatIllegalArgumentException().isThrownBy(() -> engine.send(SystemEvents.FUNCTION_FAILED, Map.of()))
			.withMessageContaining("reserved");
		assertNothingStored(engine.database());
	}

	@OnEachDatabase
	void eventFromTheFutureDelaysItsRunsUntilItsTimestamp(TestDatabase database) {
		Recorder recorder = new Recorder();
		TestEngine engine = this.fixture.start(database, recorder);
		Instant due = Instant.now().plusMillis(400);
		SendResult sent = engine.sender().send(Event.builder("app/user.signup").ts(due).build());
		RunInfo run = engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		// Stored to the microsecond, as the databases keep times.
		assertThat(run.startedAt()).isAfterOrEqualTo(due.truncatedTo(ChronoUnit.MICROS));
		assertThat(recorder.startedAt).singleElement()
			.satisfies((started) -> assertThat(started).isAfterOrEqualTo(due));
	}

	private static void assertNothingStored(FreshDatabase db) {
		assertThat(db.count("fanout_events")).isZero();
		assertThat(db.count("fanout_event_ids")).isZero();
		assertThat(db.count("fanout_runs")).isZero();
	}

	static class Recorder {

		final List<String> emails = new CopyOnWriteArrayList<>();

		final List<Instant> startedAt = new CopyOnWriteArrayList<>();

		@EventFunction(id = "record-signup", event = "app/user.signup")
		void record(Map<String, Object> data) {
			this.startedAt.add(Instant.now());
			this.emails.add(String.valueOf(data.get("email")));
		}

	}

}
