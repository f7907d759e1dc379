package dev.fanout.store.jdbc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.fanout.store.NewEvent;
import dev.fanout.store.NewRun;
import dev.fanout.store.RunFlow;
import dev.fanout.store.StoredEvent;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send's events and runs are stored with every value as given: on PostgreSQL they are
 * bound as one array per column, and text or times must come out of those arrays
 * unchanged.
 */
class SendInsertTests {

	private static final List<String> AWKWARD = List.of("{\"note\":\"a, b\\\\c \\\"d\\\" {e}\"}", "NULL", "",
			" padded ", "line\nbreak\ttab", "\u00e9t\u00e9 \u2603 \ud83d\ude80");

	/**
	 * A whole minute, which ISO-8601 text may write without seconds, and microseconds.
	 */
	private static final List<Instant> TIMES = List.of(Instant.parse("2026-12-01T10:00:00Z"),
			Instant.parse("2026-12-01T10:00:01.000001Z"), Instant.parse("1999-12-31T23:59:59.999999Z"),
			Instant.parse("9999-12-31T00:00:00Z"));

	@OnEachDatabase
	void eventsAndRunsKeepTheirTextAndTimes(TestDatabase kind) {
		try (FreshDatabase database = kind.create().createSchema()) {
			JdbcRunStore store = JdbcRunStore.create(database.dataSource(), "fanout_", "app");
			List<NewEvent> events = new ArrayList<>();
			List<NewRun> runs = new ArrayList<>();
			for (int i = 0; i < AWKWARD.size(); i++) {
				String text = AWKWARD.get(i);
				Instant time = TIMES.get(i % TIMES.size());
				String seq = "seq-" + i;
				events.add(new NewEvent(new StoredEvent(seq, "event " + text, "app/awkward", text, text, time, text,
						(i % 2 == 0) ? null : text), time.plusSeconds(1)));
				runs.add(new NewRun("run-" + i, "app", "f " + text, seq, "event " + text, time, time.plusSeconds(2),
						time.plusSeconds(3), text, null, "step " + text, (i % 2 == 0) ? null : "worker " + text,
						new RunFlow(i, null, null, null, "single " + text)));
			}
			database.transactionTemplate()
				.execute((status) -> store.insertAndFindWaits(events, runs, List.of(), List.of("app/awkward"),
						TIMES.get(0)));
			for (int i = 0; i < AWKWARD.size(); i++) {
				String text = AWKWARD.get(i);
				Instant time = TIMES.get(i % TIMES.size());
				Map<String, Object> event = database.jdbc()
					.queryForMap("SELECT id, data, user_data, v, trace_context, duplicate "
							+ "FROM fanout_events WHERE seq = ?", "seq-" + i);
				assertThat(event).containsEntry("id", "event " + text)
					.containsEntry("data", text)
					.containsEntry("user_data", text)
					.containsEntry("v", text)
					.containsEntry("trace_context", (i % 2 == 0) ? null : text)
					.containsEntry("duplicate", false);
				assertThat(instant(database, "ts", "fanout_events", "seq", "seq-" + i)).isEqualTo(time);
				assertThat(instant(database, "received_at", "fanout_events", "seq", "seq-" + i))
					.isEqualTo(time.plusSeconds(1));
				Map<String, Object> run = database.jdbc()
					.queryForMap("SELECT function_id, event_id, status, attempts, deadline_reason, parent_step_key, "
							+ "lease_owner, priority, singleton_key, cancel_requested FROM fanout_runs WHERE id = ?",
							"run-" + i);
				boolean started = i % 2 == 1;
				assertThat(run).containsEntry("function_id", "f " + text)
					.containsEntry("event_id", "event " + text)
					.containsEntry("status", started ? "RUNNING" : "QUEUED")
					.containsEntry("attempts", started ? 1 : 0)
					.containsEntry("deadline_reason", text)
					.containsEntry("parent_step_key", "step " + text)
					.containsEntry("lease_owner", started ? "worker " + text : null)
					.containsEntry("priority", i)
					.containsEntry("singleton_key", "single " + text)
					.containsEntry("cancel_requested", false);
				assertThat(instant(database, "due_at", "fanout_runs", "id", "run-" + i)).isEqualTo(time);
				assertThat(instant(database, "created_at", "fanout_runs", "id", "run-" + i))
					.isEqualTo(time.plusSeconds(2));
				assertThat(instant(database, "deadline_at", "fanout_runs", "id", "run-" + i))
					.isEqualTo(time.plusSeconds(3));
				assertThat(instant(database, "rank_at", "fanout_runs", "id", "run-" + i))
					.isEqualTo(started ? time : time.minusSeconds(i));
			}
		}
	}

	private static Instant instant(FreshDatabase database, String column, String table, String key, String value) {
		return database.jdbc()
			.queryForObject("SELECT " + column + " FROM " + table + " WHERE " + key + " = ?",
					(rs, n) -> Rows.instant(rs, column), value);
	}

}
