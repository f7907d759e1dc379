package dev.fanout.test;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fanout.Batch;
import dev.fanout.Debounce;
import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A {@code @Batch} function's run with several events (issue 18): the function receives
 * them as the engine gives a batch, and the tester refuses events the engine would never
 * put in one run.
 */
class BatchedFunctionTests {

	@Test
	void batchedFunctionReceivesItsEventsAsAListAndFromItsRunContextWithTheFirstAsTrigger() {
		List<Event> rows = List.of(row("a"), row("b"), row("c"));

		FunctionRun run = FunctionTester.of(new RowImports(), "import-rows").events(rows).execute();

		run.assertStatus(RunStatus.COMPLETED);
		assertThat(run.output(Imported.class))
			.isEqualTo(new Imported(List.of("a", "b", "c"), ids(rows), rows.get(0).id(), "a"));
		assertThat(run.stepOutput("import", Integer.class)).isEqualTo(3);
		assertThat(run.event()).isEqualTo(rows.get(0));
		assertThat(run.events()).isEqualTo(rows);
		assertThat(run.toRunInfo().eventId()).isEqualTo(rows.get(0).id());
	}

	@Test
	void oneEventIsABatchOfOneAndReplacesTheEventsSetBefore() {
		Event only = row("z");

		FunctionRun run = FunctionTester.of(new RowImports(), "import-rows")
			.events(List.of(row("a"), row("b")))
			.event(only)
			.execute();

		assertThat(run.output(Imported.class))
			.isEqualTo(new Imported(List.of("z"), ids(List.of(only)), only.id(), "z"));
		assertThat(run.events()).containsExactly(only);
	}

	@Test
	void moreEventsThanTheBatchsMaxSizeFailNamingTheFunction() {
		FunctionTester tester = FunctionTester.of(new RowImports(), "import-rows");

		assertThatIllegalArgumentException()
			.isThrownBy(() -> tester.events(List.of(row("a"), row("b"), row("c"), row("d"))))
			.withMessage("Function 'import-rows' has at most 3 events in a run (@Batch maxSize = 3), not 4");
	}

	@Test
	void severalEventsForAFunctionThatIsNotBatchedFailNamingTheFunction() {
		List<Event> comments = List.of(comment(), comment());

		assertThatIllegalArgumentException()
			.isThrownBy(() -> FunctionTester.of(new RowImports(), "audit-row").events(List.of(row("a"), row("b"))))
			.withMessage("Function 'audit-row' is not a @Batch function: each of its runs has one event, not 2; "
					+ "give it one with event(...)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FunctionTester.of(new RowImports(), "digest").events(comments))
			.withMessageContaining("Function 'digest' is not a @Batch function")
			.withMessageContaining("a @Debounce run has one, the last event of its window");
		assertThat(FunctionTester.of(new RowImports(), "digest").events(List.of(comment())).execute().status())
			.isEqualTo(RunStatus.COMPLETED);
	}

	@Test
	void noEventsOrOneEventTwiceFail() {
		FunctionTester tester = FunctionTester.of(new RowImports(), "import-rows");
		Event row = row("a");

		assertThatIllegalArgumentException().isThrownBy(() -> tester.events(List.of()))
			.withMessage("No events for function 'import-rows': a run has at least its trigger");
		assertThatIllegalArgumentException().isThrownBy(() -> tester.events(List.of(row, row)))
			.withMessage(
					"Event " + row.id() + " is given twice for function 'import-rows': a batch holds an event once");
	}

	@Test
	void eachEventOfABatchMustTriggerTheFunction() {
		FunctionTester tester = FunctionTester.of(new RowImports(), "import-rows");
		Event skipped = row("skip");

		assertThat(tester.isTriggeredBy(row("a"))).isTrue();
		assertThat(tester.isTriggeredBy(skipped)).isFalse();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> tester.events(List.of(row("a"), skipped)).execute())
			.withMessageContaining("Event 2 of 2 'app/row.added' with data {name=skip} does not trigger function "
					+ "'import-rows' (events [app/row.added], filter 'event.data.name != 'skip'')");
	}

	@Test
	void theEventsOfAKeyedBatchShareItsKey() {
		FunctionTester tester = FunctionTester.of(new RowImports(), "sync-accounts");

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> tester.events(List.of(account("acme"), account("acme"), account("globex"))).execute())
			.withMessage("Event 3 of 3 has the @Batch key 'globex', the first event 'acme' "
					+ "(key = \"event.data.tenant\"): function 'sync-accounts' batches them apart, so no run of it "
					+ "has both");
		assertThat(tester.events(List.of(account("acme"), account("acme"))).execute().output()).isEqualTo(2);
	}

	@Test
	void aResumedRunKeepsItsBatch() {
		List<Event> rows = List.of(row("a"), row("b"));
		FunctionRun stopped = FunctionTester.of(new RowImports(), "import-rows").events(rows).executeUntil("import");

		FunctionRun resumed = FunctionTester.of(new RowImports(), "import-rows").resumeFrom(stopped).execute();

		assertThat(resumed.events()).isEqualTo(rows);
		assertThat(resumed.stepCalls("import")).isEmpty();
		assertThat(resumed.output(Imported.class).names()).containsExactly("a", "b");
	}

	@Test
	void aBatchRunsAsOnTheEngine() {
		List<Event> rows = List.of(row("a"), row("b"), row("c"));
		RunInfo onEngine;
		try (H2Engine engine = H2Engine.start(new RowImports())) {
			engine.sendAll(rows);
			// The batch's run, awaited through its last event, beside the audit of that
			// event.
			onEngine = new FanoutRuns(engine.admin())
				.awaitEvent(rows.get(2).id(),
						Map.of("import-rows", RunStatus.COMPLETED, "audit-row", RunStatus.COMPLETED))
				.run("import-rows");
		}

		RunInfo onTester = FunctionTester.of(new RowImports(), "import-rows").events(rows).execute().toRunInfo();

		assertThat(onTester.eventId()).isEqualTo(rows.get(0).id()).isEqualTo(onEngine.eventId());
		assertThat(onTester.output()).isEqualTo(onEngine.output());
		assertThat(onTester.steps()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("startedAt", "endedAt")
			.isEqualTo(onEngine.steps());
	}

	private static Event row(String name) {
		return Event.of("app/row.added", Map.of("name", name));
	}

	private static Event account(String tenant) {
		return Event.of("app/account.changed", Map.of("tenant", tenant));
	}

	private static Event comment() {
		return Event.of("app/comment", Map.of());
	}

	private static List<String> ids(List<Event> events) {
		return events.stream().map(Event::id).toList();
	}

	record Row(String name) {
	}

	record Imported(List<String> names, List<String> eventIds, String triggerId, String firstName) {
	}

	static class RowImports {

		@EventFunction(id = "import-rows", event = "app/row.added", filter = "event.data.name != 'skip'")
		@Batch(maxSize = 3, timeout = "1h")
		Imported importRows(List<Event> rows, RunContext run, Event trigger, Row first, StepContext step) {
			List<String> names = rows.stream().map((row) -> (String) row.data().get("name")).toList();
			step.run("import", Integer.class, () -> names.size());
			return new Imported(names, ids(run.events()), trigger.id(), first.name());
		}

		@EventFunction(id = "audit-row", event = "app/row.added")
		void auditRow(Event row) {
		}

		@EventFunction(id = "sync-accounts", event = "app/account.changed")
		@Batch(maxSize = 10, timeout = "5s", key = "event.data.tenant")
		int syncAccounts(List<Event> accounts) {
			return accounts.size();
		}

		@EventFunction(id = "digest", event = "app/comment")
		@Debounce(period = "5m")
		void digest(Event comment) {
		}

	}

}
