package dev.fanout.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunInfo;
import dev.fanout.RunQuery;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Applications sharing one database: an event sent by any of them creates runs for the
 * matching functions of all, and each application's workers run only its own functions'
 * runs, also when two applications use the same function id.
 */
class CrossApplicationTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void oneSendRunsTheFunctionsOfEveryApplicationEachInItsOwn(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Functions billing = new Functions("billing");
		Functions mailing = new Functions("mailing");
		TestEngine billingApp = start(db, "billing", billing.new Audit());
		TestEngine mailingApp = start(db, "mailing", mailing.new Audit(), mailing.new Welcome());
		SendResult sent = billingApp.send("app/user.signup", Map.of("plan", "free"));
		assertThat(sent.runIds()).hasSize(3);
		for (String runId : sent.runIds()) {
			billingApp.awaitRun(runId, RunStatus.COMPLETED);
		}
		assertThat(billing.ran).containsExactly("audit");
		assertThat(mailing.ran).containsExactlyInAnyOrder("audit", "welcome");
		assertThat(db.jdbc().queryForList("SELECT app_id, function_id FROM fanout_runs ORDER BY app_id, function_id"))
			.extracting((row) -> tuple(row.get("app_id"), row.get("function_id")))
			.containsExactly(tuple("billing", "audit"), tuple("mailing", "audit"), tuple("mailing", "welcome"));
		// The other way round too: mailing's send reaches billing's function.
		SendResult back = mailingApp.send("app/user.signup", Map.of("plan", "free"));
		assertThat(back.runIds()).hasSize(3);
		awaiting().until(() -> billing.ran.size() == 2 && mailing.ran.size() == 4);
	}

	@OnEachDatabase
	void aSendReachesAnApplicationThatRegisteredSinceTheLastSend(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Functions mailing = new Functions("mailing");
		TestEngine billingApp = start(db, "billing", new Functions("billing").new Audit());
		assertThat(billingApp.send("app/user.signup", Map.of("plan", "free")).runIds()).hasSize(1);
		start(db, "mailing", mailing.new Welcome());
		SendResult sent = billingApp.send("app/user.signup", Map.of("plan", "free"));
		assertThat(sent.runIds()).hasSize(2);
		billingApp.awaitRuns(sent);
		assertThat(mailing.ran).containsExactly("welcome");
	}

	@OnEachDatabase
	void otherApplicationsFunctionsKeepTheirFilters(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Functions mailing = new Functions("mailing");
		start(db, "mailing", mailing.new ProOnly());
		TestEngine sender = this.fixture.start(db,
				EngineFixture.settings("signup").toBuilder().workerEnabled(false).build());
		assertThat(sender.send("app/user.signup", Map.of("plan", "free")).runIds()).isEmpty();
		String runId = sender.send("app/user.signup", Map.of("plan", "pro")).runIds().get(0);
		RunInfo run = sender.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.functionId()).isEqualTo("pro-onboarding");
		assertThat(mailing.ran).containsExactly("pro-onboarding");
	}

	@OnEachDatabase
	void retiredApplicationsRunsStayQueuedUntilItsFunctionsAreRemoved(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		TestEngine billingApp = start(db, "billing", new Functions("billing").new Audit());
		TestEngine mailingApp = start(db, "mailing", new Functions("mailing").new Welcome());
		assertThat(db.jdbc().queryForList("SELECT app_id, function_id, triggers FROM fanout_functions ORDER BY app_id"))
			.extracting((row) -> tuple(row.get("app_id"), row.get("function_id"), row.get("triggers")))
			.containsExactly(tuple("billing", "audit", "[\"app/user.signup\"]"),
					tuple("mailing", "welcome", "[\"app/user.*\"]"));
		mailingApp.stop();
		SendResult sent = billingApp.send("app/user.signup", Map.of("plan", "free"));
		assertThat(sent.runIds()).hasSize(2);
		List<RunInfo> waiting = billingApp.admin()
			.runs(RunQuery.builder().function("welcome").status(RunStatus.QUEUED).build());
		assertThat(waiting).extracting(RunInfo::runId).containsExactly(sent.runIds().get(1));
		// Retiring it: remove its functions (and cancel what it left, if you like).
		db.jdbc().update("DELETE FROM fanout_functions WHERE app_id = ?", "mailing");
		assertThat(billingApp.send("app/user.signup", Map.of("plan", "free")).runIds()).hasSize(1);
	}

	private TestEngine start(FreshDatabase db, String appId, Object... functions) {
		return this.fixture.start(db, EngineFixture.settings(appId), functions);
	}

	static class Functions {

		final String appId;

		final List<String> ran = new CopyOnWriteArrayList<>();

		Functions(String appId) {
			this.appId = appId;
		}

		class Audit {

			@EventFunction(id = "audit", event = "app/user.signup")
			String audit(RunContext run) {
				Functions.this.ran.add(run.functionId());
				return Functions.this.appId;
			}

		}

		class Welcome {

			@EventFunction(id = "welcome", event = "app/user.*")
			String welcome(RunContext run) {
				Functions.this.ran.add(run.functionId());
				return Functions.this.appId;
			}

		}

		class ProOnly {

			@EventFunction(id = "pro-onboarding", event = "app/user.signup", filter = "event.data.plan == 'pro'")
			String onboard(RunContext run) {
				Functions.this.ran.add(run.functionId());
				return Functions.this.appId;
			}

		}

	}

}
