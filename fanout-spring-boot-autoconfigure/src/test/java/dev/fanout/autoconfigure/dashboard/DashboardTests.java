package dev.fanout.autoconfigure.dashboard;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.web.servlet.ViewResolver;

import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.autoconfigure.DashboardApps;
import dev.fanout.autoconfigure.RunningApp;
import dev.fanout.autoconfigure.admin.AdminApiTests;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard over real HTTP, on H2 and PostgreSQL: its pages, escaped; its assets from
 * the jars; its bulk actions once per request; its protection, including signing in with
 * the admin token; and the host application's view resolution left alone. The pages in a
 * browser are tested by the sample.
 */
class DashboardTests {

	private static final String TOKEN = "s3cret-token-0123456789";

	@RegisterExtension
	final DashboardApps apps = new DashboardApps();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void servesEveryPageWithItsHooksAndEscapesPayloads(TestDatabase database) {
		RunningApp app = start(database);
		String runId = app.bean(EventSender.class)
			.send("app/invoice.created", Map.of("number", "<script>alert(1)</script>"))
			.runIds()
			.get(0);
		RunInfo run = await().atMost(Duration.ofSeconds(15))
			.until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow(), (found) -> found.status().isFinal());
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);

		assertThat(app.get("/fanout").headers().firstValue("Location")).hasValue("/fanout/runs");
		String runs = html(app.get("/fanout/runs?function=send-invoice"));
		assertThat(runs).contains("data-run-id=\"" + runId + "\"", "data-status=\"COMPLETED\"", "app/invoice.created",
				"hx-trigger=\"every 2s\"");
		String page = html(app.get("/fanout/runs/" + runId));
		assertThat(page)
			.contains("data-step-key=\"render\"", "data-step-key=\"deliver\"", "class=\"bar exec",
					"&lt;script&gt;alert(1)&lt;/script&gt;")
			.doesNotContain("<script>alert(1)</script>");
		String event = html(app.get("/fanout/events/" + run.eventId()));
		assertThat(event).contains("data-run-id=\"" + runId + "\"", "&lt;script&gt;alert(1)&lt;/script&gt;")
			.doesNotContain("<script>alert(1)</script>");
		assertThat(html(app.get("/fanout/functions"))).contains("data-function-id=\"send-invoice\"",
				"data-function-id=\"nap\"", "<svg class=\"spark\"");
		HttpResponse<String> htmx = app.get("/fanout/assets/htmx.min.js");
		assertThat(htmx.statusCode()).isEqualTo(200);
		assertThat(htmx.headers().firstValue("Content-Type")).hasValueSatisfying((type) -> type.contains("javascript"));
		assertThat(htmx.body()).contains("htmx");
		assertThat(app.get("/fanout/assets/missing.js").statusCode()).isEqualTo(404);
		assertThat(app.get("/fanout/runs/nope").statusCode()).isEqualTo(404);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void previewsThenReplaysTheFilteredRunsOncePerRequest(TestDatabase database) {
		RunningApp app = start(database);
		List<String> failed = AdminApiTests.failInvoices(app, 2);
		String preview = html(
				app.get("/fanout/bulk/preview?action=replay&mode=RESUME&function=send-invoice&status=FAILED",
						"HX-Request", "true"));
		assertThat(preview).contains("data-preview-count=\"2\"", "This will resume", "2 runs", "send-invoice",
				"FAILED, whenever created");
		for (String runId : failed) {
			assertThat(app.bean(FanoutAdmin.class).run(runId).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
		}
		String body = """
				{"id": "dashboard-1", "function": "send-invoice", "status": "FAILED", "mode": "RESUME"}""";
		String progress = html(app.post("/fanout/bulk/replay", body, "HX-Request", "true"));
		assertThat(progress).contains("Replay dashboard-1 queued 2 runs.", "id=\"bulk-progress\"");
		for (String runId : failed) {
			await().atMost(Duration.ofSeconds(15))
				.until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow().status() == RunStatus.COMPLETED);
		}
		assertThat(html(app.post("/fanout/bulk/replay", body, "HX-Request", "true"))).as("a double click replays once")
			.contains("queued 2 runs", "data-done=\"2\"", "COMPLETED 2");
		assertThat(app.bean(AdminApiTests.Invoices.class).renders).as("RESUME kept the rendered step").hasValue(2);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aRunsButtonsReplayOrCancelThatRunAlone(TestDatabase database) {
		RunningApp app = start(database);
		List<String> failed = AdminApiTests.failInvoices(app, 2);
		assertThat(html(app.get("/fanout/runs/" + failed.get(0)))).contains("data-action=\"replay-resume\"")
			.doesNotContain("data-action=\"cancel\"");
		String resumed = html(app.post("/fanout/runs/" + failed.get(0) + "/replay",
				"{\"mode\": \"RESUME\", \"id\": \"page-1\"}", "HX-Request", "true"));
		assertThat(resumed).contains("Queued again, with its completed steps.");
		await().atMost(Duration.ofSeconds(15))
			.until(() -> app.bean(FanoutAdmin.class).run(failed.get(0)).orElseThrow().status() == RunStatus.COMPLETED);
		assertThat(app.bean(FanoutAdmin.class).run(failed.get(1)).orElseThrow().status()).isEqualTo(RunStatus.FAILED);

		String runId = app.bean(EventSender.class).send("app/nap.requested", Map.of()).runIds().get(0);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow().status() == RunStatus.SLEEPING);
		assertThat(html(app.get("/fanout/runs/" + runId))).contains("data-action=\"cancel\"", "until ");
		assertThat(html(app.post("/fanout/runs/" + runId + "/cancel", "{}", "HX-Request", "true")))
			.contains("Cancellation requested.", "data-status=\"CANCELLED\"");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void showsABadParameterAsAPageOrANotice(TestDatabase database) {
		RunningApp app = start(database);
		HttpResponse<String> page = app.get("/fanout/runs?from=yesterday");
		assertThat(page.statusCode()).isEqualTo(400);
		assertThat(page.body()).contains("&#39;from&#39; must be an ISO-8601 instant");
		HttpResponse<String> action = app.get("/fanout/bulk/preview?action=cancel&function=nap&status=FAILED",
				"HX-Request", "true");
		assertThat(action.statusCode()).isEqualTo(200);
		assertThat(action.headers().firstValue("HX-Retarget")).hasValue("#flash");
		assertThat(action.body()).contains("Only QUEUED, RUNNING, SLEEPING or WAITING runs can be cancelled");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void withATokenSignsInWithACookieThatIsNotTheToken(TestDatabase database) {
		RunningApp app = start(database, "fanout.http.admin-token=" + TOKEN);
		HttpResponse<String> anonymous = app.get("/fanout/runs");
		assertThat(anonymous.statusCode()).isEqualTo(303);
		assertThat(anonymous.headers().firstValue("Location")).hasValue("/fanout/login");
		assertThat(app.get("/fanout/login").body()).contains("name=\"token\"");
		assertThat(app.get("/fanout/assets/dashboard.css").statusCode()).isEqualTo(200);
		assertThat(app.postAs("/fanout/login", "application/x-www-form-urlencoded", "token=wrong").statusCode())
			.isEqualTo(401);

		HttpResponse<String> signedIn = app.postAs("/fanout/login", "application/x-www-form-urlencoded",
				"token=" + TOKEN);
		assertThat(signedIn.statusCode()).isEqualTo(303);
		String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
		assertThat(cookie).startsWith("fanout_dashboard=")
			.contains("HttpOnly", "SameSite=Strict", "Path=/fanout")
			.doesNotContain(TOKEN);
		String session = cookie.substring(0, cookie.indexOf(';'));
		assertThat(app.get("/fanout/runs", "Cookie", session).statusCode()).isEqualTo(200);
		assertThat(app.get("/fanout/runs", "Cookie", "fanout_dashboard=forged").statusCode()).isEqualTo(303);
		assertThat(app.get("/fanout/runs", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
		assertThat(app.postAs("/fanout/functions/nap/pause", "application/x-www-form-urlencoded", "", "Cookie", session)
			.statusCode()).as("a cross-site form cannot act").isEqualTo(415);
		assertThat(app.post("/fanout/functions/nap/pause", "{}", "Cookie", session).statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void onLoopbackRefusesOtherHostsAndHasNoSignIn(TestDatabase database) {
		RunningApp app = start(database);
		assertThat(app.statusWithHost("/fanout/runs", "localhost")).isEqualTo(200);
		assertThat(app.statusWithHost("/fanout/runs", "evil.example")).isEqualTo(403);
		assertThat(app.get("/fanout/login").statusCode()).isEqualTo(404);
	}

	@Test
	void servesNothingUnlessEnabledAndLeavesTheApplicationsViewsAlone() {
		FreshDatabase db = this.apps.database(TestDatabase.H2);
		RunningApp off = this.apps.close(RunningApp.start(db, List.of(AdminApiTests.Invoices.class)));
		assertThat(off.get("/fanout/runs").statusCode()).isEqualTo(404);
		assertThat(off.get("/fanout/assets/htmx.min.js").statusCode()).isEqualTo(404);
		int viewResolvers = off.context().getBeansOfType(ViewResolver.class).size();
		off.close();
		RunningApp on = this.apps.startOn(db, List.of(AdminApiTests.Invoices.class));
		assertThat(on.get("/fanout/runs").statusCode()).isEqualTo(200);
		assertThat(on.context().getBeansOfType(ViewResolver.class)).hasSize(viewResolvers);
	}

	private RunningApp start(TestDatabase database, String... properties) {
		return this.apps.start(database, List.of(AdminApiTests.Invoices.class, AdminApiTests.Nap.class), properties);
	}

	private static String html(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		return response.body();
	}

}
