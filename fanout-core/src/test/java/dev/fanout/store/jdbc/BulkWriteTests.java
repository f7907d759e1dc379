package dev.fanout.store.jdbc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;

import dev.fanout.StepStatus;
import dev.fanout.store.RunEnd;
import dev.fanout.store.RunStep;
import dev.fanout.store.StoredStep;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The writes group commit makes for many runs at once: each run's write applies only
 * while the owner holds it, and says whether it did, whatever the other runs of the call.
 */
class BulkWriteTests {

	private static final String OWNER = "worker-1";

	private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	@OnEachDatabase
	void stepsAreStoredForTheRunsTheOwnerHoldsOnly(TestDatabase kind) {
		try (FreshDatabase database = kind.create().createSchema()) {
			JdbcRunStore store = JdbcRunStore.create(database.dataSource(), "fanout_", "app");
			insertRun(database, "run-held", OWNER, false);
			insertRun(database, "run-taken", "worker-2", false);
			insertRun(database, "run-cancelling", OWNER, true);
			insertRun(database, "run-held-too", OWNER, false);
			boolean[] saved = database.transactionTemplate()
				.execute((status) -> store.saveSteps(OWNER,
						List.of(step("run-held"), step("run-taken"), step("run-cancelling"), step("run-held-too"))));
			assertThat(saved).containsExactly(true, false, false, true);
			assertThat(database.jdbc().queryForList("SELECT run_id FROM fanout_steps ORDER BY run_id", String.class))
				.containsExactly("run-held", "run-held-too");
		}
	}

	@OnEachDatabase
	void aCompletedStepIsNotOverwrittenButItsRunStillCountsAsHeld(TestDatabase kind) {
		try (FreshDatabase database = kind.create().createSchema()) {
			JdbcRunStore store = JdbcRunStore.create(database.dataSource(), "fanout_", "app");
			insertRun(database, "run-1", OWNER, false);
			database.transactionTemplate().execute((status) -> store.saveSteps(OWNER, List.of(step("run-1"))));
			StoredStep again = new StoredStep("charge", 0, StepStatus.COMPLETED, "\"second\"", null, null, null, 1,
					null, NOW, NOW);
			boolean[] saved = database.transactionTemplate()
				.execute((status) -> store.saveSteps(OWNER, List.of(new RunStep("run-1", again))));
			assertThat(saved).containsExactly(true);
			assertThat(database.jdbc().queryForObject("SELECT output FROM fanout_steps", String.class))
				.isEqualTo("\"first\"");
		}
	}

	@OnEachDatabase
	void aStepIsUpdatedWithEveryValueItCarries(TestDatabase kind) {
		try (FreshDatabase database = kind.create().createSchema()) {
			JdbcRunStore store = JdbcRunStore.create(database.dataSource(), "fanout_", "app");
			insertRun(database, "run-1", OWNER, false);
			Instant wake = NOW.plusSeconds(60);
			StoredStep failing = new StoredStep("charge", 3, StepStatus.FAILED, null, null, "declined", "at Charge", 2,
					wake, NOW, NOW);
			database.transactionTemplate()
				.execute((status) -> store.saveSteps(OWNER, List.of(new RunStep("run-1", failing))));
			StoredStep retried = new StoredStep("charge", 3, StepStatus.COMPLETED, "\"ok\"", "java.lang.String", null,
					null, 3, null, NOW, NOW.plusSeconds(61));
			boolean[] saved = database.transactionTemplate()
				.execute((status) -> store.saveSteps(OWNER, List.of(new RunStep("run-1", retried))));
			assertThat(saved).containsExactly(true);
			assertThat(database.jdbc()
				.queryForMap("SELECT position, status, output, output_type, error, error_stack, attempts, wake_at, "
						+ "ended_at FROM fanout_steps WHERE run_id = 'run-1' AND step_key = 'charge'"))
				.containsEntry("position", 3)
				.containsEntry("status", "COMPLETED")
				.containsEntry("output", "\"ok\"")
				.containsEntry("output_type", "java.lang.String")
				.containsEntry("error", "declined")
				.containsEntry("error_stack", "at Charge")
				.containsEntry("attempts", 3)
				.containsEntry("wake_at", null);
			assertThat(database.jdbc()
				.queryForObject("SELECT ended_at FROM fanout_steps WHERE run_id = 'run-1'", OffsetDateTime.class)
				.toInstant()).isEqualTo(NOW.plusSeconds(61));
		}
	}

	@OnEachDatabase
	void runsTheOwnerHoldsEndAndLoseTheirMatchers(TestDatabase kind) {
		try (FreshDatabase database = kind.create().createSchema()) {
			JdbcRunStore store = JdbcRunStore.create(database.dataSource(), "fanout_", "app");
			insertRun(database, "run-held", OWNER, false);
			insertRun(database, "run-taken", "worker-2", false);
			for (String runId : List.of("run-held", "run-taken")) {
				database.jdbc()
					.update("INSERT INTO fanout_waits (run_id, step_key, kind, event_name, match_expr, expires_at) "
							+ "VALUES (?, 'approval', 'event', 'app/approved', NULL, ?)", runId, Rows.time(NOW));
			}
			boolean[] ended = database.transactionTemplate()
				.execute((status) -> store.finish(OWNER,
						List.of(RunEnd.completed("run-held", "42", NOW), RunEnd.completed("run-taken", "43", NOW))));
			assertThat(ended).containsExactly(true, false);
			assertThat(database.jdbc().queryForList("SELECT status FROM fanout_runs ORDER BY id", String.class))
				.containsExactly("COMPLETED", "RUNNING");
			assertThat(database.jdbc().queryForList("SELECT run_id FROM fanout_waits", String.class))
				.containsExactly("run-taken");
		}
	}

	@OnEachDatabase
	void stepsAndEndsTogetherEndARunOnlyIfItsStepWasStored(TestDatabase kind) {
		try (FreshDatabase database = kind.create().createSchema()) {
			JdbcRunStore store = JdbcRunStore.create(database.dataSource(), "fanout_", "app");
			insertRun(database, "run-last-step", OWNER, false);
			insertRun(database, "run-cancelling", OWNER, true);
			insertRun(database, "run-step-only", OWNER, false);
			insertRun(database, "run-end-only", OWNER, false);
			insertRun(database, "run-taken", "worker-2", false);
			database.jdbc()
				.update("INSERT INTO fanout_waits (run_id, step_key, kind, event_name, match_expr, expires_at) "
						+ "VALUES ('run-last-step', 'stop', 'cancel', 'app/stopped', NULL, ?)", Rows.time(NOW));
			boolean[] written = database.transactionTemplate()
				.execute((status) -> store.saveStepsAndFinish(OWNER,
						List.of(step("run-last-step"), step("run-cancelling"), step("run-step-only"),
								step("run-taken")),
						List.of(RunEnd.completed("run-cancelling", "1", NOW),
								RunEnd.completed("run-end-only", "2", NOW), RunEnd.completed("run-last-step", "3", NOW),
								RunEnd.completed("run-taken", "4", NOW))));
			assertThat(written).containsExactly(true, false, true, false, false, true, true, false);
			assertThat(database.jdbc().queryForList("SELECT run_id FROM fanout_steps ORDER BY run_id", String.class))
				.containsExactly("run-last-step", "run-step-only");
			assertThat(database.jdbc().queryForList("SELECT id, status, output FROM fanout_runs ORDER BY id"))
				.extracting((row) -> row.get("id") + " " + row.get("status") + " " + row.get("output"))
				.containsExactly("run-cancelling RUNNING null", "run-end-only COMPLETED 2", "run-last-step COMPLETED 3",
						"run-step-only RUNNING null", "run-taken RUNNING null");
			assertThat(database.count("fanout_waits")).isZero();
		}
	}

	@OnEachDatabase
	void valuesThatAnArrayMustQuoteAreStoredAsGiven(TestDatabase kind) {
		List<String> awkward = List.of("{\"note\":\"a, b\\\\c \\\"d\\\" {e}\"}", "NULL", "", " padded ",
				"line\nbreak\ttab", "\u00e9t\u00e9 \u2603 \ud83d\ude80");
		try (FreshDatabase database = kind.create().createSchema()) {
			JdbcRunStore store = JdbcRunStore.create(database.dataSource(), "fanout_", "app");
			List<RunStep> steps = new ArrayList<>();
			List<RunEnd> ends = new ArrayList<>();
			for (int i = 0; i < awkward.size(); i++) {
				insertRun(database, "run-" + i, OWNER, false);
				steps.add(new RunStep("run-" + i, new StoredStep("key " + awkward.get(i), i, StepStatus.FAILED,
						awkward.get(i), null, awkward.get(i), null, 1, null, NOW, null)));
				ends.add(RunEnd.completed("run-" + i, awkward.get(i), NOW));
			}
			database.transactionTemplate().execute((status) -> store.saveSteps(OWNER, steps));
			database.transactionTemplate().execute((status) -> store.finish(OWNER, ends));
			for (int i = 0; i < awkward.size(); i++) {
				assertThat(database.jdbc()
					.queryForMap(
							"SELECT step_key, output, error, output_type, ended_at FROM fanout_steps WHERE run_id = ?",
							"run-" + i))
					.containsEntry("step_key", "key " + awkward.get(i))
					.containsEntry("output", awkward.get(i))
					.containsEntry("error", awkward.get(i))
					.containsEntry("output_type", null)
					.containsEntry("ended_at", null);
				assertThat(database.jdbc()
					.queryForObject("SELECT output FROM fanout_runs WHERE id = ?", String.class, "run-" + i))
					.isEqualTo(awkward.get(i));
			}
		}
	}

	@OnEachDatabase
	void theSchemaRefusesARunningRunWithoutAnOwnerAndAnOwnerOfARunThatIsNotRunning(TestDatabase kind) {
		try (FreshDatabase database = kind.create().createSchema()) {
			assertThatExceptionOfType(DataIntegrityViolationException.class)
				.isThrownBy(() -> insertRun(database, "run-unowned", null, false));
			insertRun(database, "run-1", OWNER, false);
			assertThatExceptionOfType(DataIntegrityViolationException.class).isThrownBy(
					() -> database.jdbc().update("UPDATE fanout_runs SET status = 'QUEUED' WHERE id = 'run-1'"));
			assertThat(database.jdbc().queryForObject("SELECT status FROM fanout_runs", String.class))
				.isEqualTo("RUNNING");
		}
	}

	private static RunStep step(String runId) {
		return new RunStep(runId,
				new StoredStep("charge", 0, StepStatus.COMPLETED, "\"first\"", null, null, null, 1, null, NOW, NOW));
	}

	@OnEachDatabase
	void runsHandedBackUnclaimedLoseTheClaimsAttemptAndTheStartOfAFirstAttempt(TestDatabase kind) {
		try (FreshDatabase database = kind.create().createSchema()) {
			JdbcRunStore store = JdbcRunStore.create(database.dataSource(), "fanout_", "app");
			insertRun(database, "run-first", OWNER, false);
			insertRun(database, "run-resumed", OWNER, false);
			insertRun(database, "run-taken", "worker-2", false);
			database.jdbc()
				.update("UPDATE fanout_runs SET started_at = ?, attempts = CASE WHEN id = 'run-resumed' THEN 3 ELSE 1 END",
						Rows.time(NOW.minusSeconds(3600)));
			Integer handedBack = database.transactionTemplate()
				.execute((status) -> store.unclaim(OWNER, List.of("run-first", "run-resumed", "run-taken"),
						NOW.plusSeconds(1)));
			assertThat(handedBack).isEqualTo(2);
			assertThat(database.jdbc()
				.queryForList(
						"SELECT id, status, lease_owner, attempts, started_at IS NULL AS unstarted, due_at = ? AS due "
								+ "FROM fanout_runs ORDER BY id",
						Rows.time(NOW.plusSeconds(1))))
				.extracting((row) -> List.of(row.get("id"), row.get("status"), String.valueOf(row.get("lease_owner")),
						((Number) row.get("attempts")).intValue(), row.get("unstarted"), row.get("due")))
				.containsExactly(List.of("run-first", "QUEUED", "null", 0, true, true),
						List.of("run-resumed", "QUEUED", "null", 2, false, true),
						List.of("run-taken", "RUNNING", "worker-2", 1, false, false));
		}
	}

	private static void insertRun(FreshDatabase database, String id, @Nullable String owner, boolean cancelRequested) {
		database.jdbc()
			.update("INSERT INTO fanout_runs (id, app_id, function_id, event_seq, event_id, status, attempts, failures, "
					+ "retry_attempt, due_at, lease_owner, cancel_requested, created_at) "
					+ "VALUES (?, 'app', 'f', 'seq', 'event', 'RUNNING', 1, 0, 0, ?, ?, ?, ?)", id, Rows.time(NOW),
					owner, cancelRequested, Rows.time(NOW));
	}

}
