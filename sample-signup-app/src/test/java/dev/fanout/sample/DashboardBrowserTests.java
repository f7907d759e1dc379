package dev.fanout.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.sample.email.EmailOutage;
import dev.fanout.test.EventRuns;
import dev.fanout.test.FanoutRuns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium, as a person uses it: runs appear and turn
 * green without a reload, an event shows its fan-out, a run its steps as a waterfall, the
 * email outage is replayed from the runs view, a function is paused and resumed, and a
 * payload's markup stays text. Skipped where Chromium or its driver is missing (CI
 * installs both). Screenshots are saved under {@code target/dashboard-screenshots}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "fanout.functions.send-welcome-email.retries=1", "fanout.retry.backoff=10ms",
				"sample.stripe.api-key=sk_test_fanout_sample" })
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTests {

	private static final int OUTAGE_USERS = 20;

	private static final StubStripeApi stripe = StubStripeApi.start();

	@DynamicPropertySource
	static void providers(DynamicPropertyRegistry registry) {
		registry.add("sample.stripe.api-base", stripe::baseUrl);
	}

	@LocalServerPort
	int port;

	@Autowired
	FanoutAdmin admin;

	@Autowired
	EventSender sender;

	@Autowired
	EmailOutage outage;

	private Browser browser;

	private FanoutRuns runs;

	private SampleHttpClient client;

	@BeforeAll
	void openBrowser() {
		Optional<Browser> opened = Browser.open(this.port);
		assumeTrue(opened.isPresent(), "no chromium and chromedriver on the PATH");
		this.browser = opened.get();
		this.runs = new FanoutRuns(this.admin);
		this.client = new SampleHttpClient(this.port);
	}

	@AfterAll
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.close();
		}
		stripe.close();
	}

	@Test
	@Order(1)
	void aSignupsRunsAppearAndCompleteWithoutReload() {
		this.browser.go("/fanout/runs");
		this.browser.mark();
		String eventId = signUp("ada@example.com");
		List<String> runIds = this.runs.awaitEvent(eventId, RunStatus.COMPLETED)
			.runs()
			.stream()
			.map(RunInfo::runId)
			.toList();
		assertThat(runIds).hasSize(2);
		for (String runId : runIds) {
			this.browser.await("run " + runId + " shown COMPLETED",
					(driver) -> this.browser.all("tr[data-run-id='" + runId + "'][data-status='COMPLETED']")
						.size() == 1);
		}
		assertThat(this.browser.marked()).as("the page was not reloaded").isTrue();
		assertThat(this.browser.one("tr[data-run-id='" + runIds.get(0) + "']").getText()).contains("app/user.signup");
		this.browser.screenshot("runs");

		this.browser.one("tr[data-run-id='" + runIds.get(0) + "'] td.wide a").click();
		this.browser.await("the event page", (driver) -> driver.getCurrentUrl().contains("/fanout/events/" + eventId));
		assertThat(this.browser.all("tr[data-run-id]")).extracting((row) -> row.getAttribute("data-run-id"))
			.containsExactlyInAnyOrderElementsOf(runIds);
		assertThat(this.browser.all("tr[data-run-id]")).extracting((row) -> row.getAttribute("data-status"))
			.containsOnly("COMPLETED");
		assertThat(this.browser.one("pre[data-payload]").getText()).contains("ada@example.com");
		this.browser.screenshot("event");
	}

	@Test
	@Order(2)
	void aRunPageShowsItsStepsInOrderOnOneTimeAxis() {
		String eventId = signUp("grace@example.com");
		RunInfo trial = this.runs.awaitEvent(eventId, RunStatus.COMPLETED).run("start-stripe-trial");
		this.browser.go("/fanout/runs/" + trial.runId());

		List<WebElement> steps = this.browser.all("tr[data-step-key]");
		assertThat(steps).extracting((step) -> step.getAttribute("data-step-key"))
			.containsExactly("create-customer", "create-subscription");
		assertThat(steps).extracting((step) -> step.getAttribute("data-status")).containsOnly("COMPLETED");
		for (WebElement step : steps) {
			assertThat(step.findElements(org.openqa.selenium.By.cssSelector(".bar.exec"))).hasSize(1);
		}
		double first = left(steps.get(0));
		double second = left(steps.get(1));
		assertThat(second).as("the second step starts after the first").isGreaterThan(first);
		assertThat(this.browser.one("section#run").getAttribute("data-status")).isEqualTo("COMPLETED");
		assertThat(this.browser.one("pre[data-payload]").getText()).contains("grace@example.com");
		this.browser.screenshot("run");

		this.browser.one("a[data-link='event']").click();
		this.browser.await("the run's event page", (driver) -> driver.getCurrentUrl().endsWith("/events/" + eventId));
	}

	@Test
	@Order(3)
	void theEmailOutageIsReplayedFromTheRunsView() {
		this.outage.setEnabled(true);
		List<String> failed = new ArrayList<>();
		for (int i = 0; i < OUTAGE_USERS; i++) {
			String eventId = signUp("outage" + i + "@example.com");
			EventRuns ended = this.runs.awaitEvent(eventId,
					Map.of("send-welcome-email", RunStatus.FAILED, "start-stripe-trial", RunStatus.COMPLETED));
			failed.add(ended.run("send-welcome-email").runId());
		}
		int stripeCalls = stripe.requests().size();

		this.browser.go("/fanout/runs?function=send-welcome-email&status=FAILED");
		assertThat(this.browser.all("tr[data-run-id]")).extracting((row) -> row.getAttribute("data-run-id"))
			.containsExactlyInAnyOrderElementsOf(failed);
		this.browser.one("button[data-action='replay-fresh']").click();
		WebElement preview = this.browser.await("the replay preview",
				(driver) -> this.browser.all("[data-preview-count]").stream().findFirst().orElse(null));
		assertThat(preview.getAttribute("data-preview-count")).isEqualTo(String.valueOf(OUTAGE_USERS));
		assertThat(preview.getText()).contains("This will replay", "20 runs", "send-welcome-email", "FAILED");
		this.browser.screenshot("bulk-replay-preview");

		this.outage.setEnabled(false);
		this.browser.one("button[data-action='confirm']").click();
		this.browser.await("every replayed run completed",
				(driver) -> this.browser.all("#bulk-progress")
					.stream()
					.anyMatch((progress) -> String.valueOf(OUTAGE_USERS).equals(progress.getAttribute("data-done"))
							&& progress.getText().contains("COMPLETED " + OUTAGE_USERS)));
		this.browser.screenshot("bulk-replay-done");
		assertThat(stripe.requests()).as("no Stripe call made again").hasSize(stripeCalls);

		this.browser.go("/fanout/runs?function=send-welcome-email&status=COMPLETED&limit=100");
		assertThat(this.browser.all("tr[data-run-id][data-status='COMPLETED']"))
			.hasSizeGreaterThanOrEqualTo(OUTAGE_USERS);
	}

	@Test
	@Order(4)
	void aPausedFunctionsRunStaysQueuedUntilResumed() {
		this.browser.go("/fanout/functions");
		String row = "tr[data-function-id='send-welcome-email']";
		this.browser.clickAndConfirm(row + " button[data-action='pause']");
		this.browser.await("the function shown paused",
				(driver) -> "true".equals(this.browser.one(row).getAttribute("data-paused")));
		this.browser.screenshot("functions-paused");

		String eventId = signUp("paused@example.com");
		RunInfo email = run(eventId, "send-welcome-email");
		this.runs.awaitRun(run(eventId, "start-stripe-trial").runId(), RunStatus.COMPLETED);
		this.browser.go("/fanout/runs/" + email.runId());
		assertThat(this.browser.one("section#run").getAttribute("data-status")).isEqualTo("QUEUED");
		assertThat(this.admin.run(email.runId()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);

		this.browser.go("/fanout/functions");
		this.browser.clickAndConfirm(row + " button[data-action='resume']");
		this.browser.await("the function shown running again",
				(driver) -> "false".equals(this.browser.one(row).getAttribute("data-paused")));
		this.runs.awaitRun(email.runId(), RunStatus.COMPLETED);
		this.browser.go("/fanout/functions");
		assertThat(this.browser.one(row).getText()).contains("COMPLETED");
		this.browser.screenshot("functions");
	}

	@Test
	@Order(5)
	void aPayloadsMarkupIsShownAsText() {
		String eventId = this.sender
			.send("test/markup", Map.of("note", "<script>window.fanoutInjected = true;</script>"))
			.eventIds()
			.get(0);
		this.browser.go("/fanout/events/" + eventId);
		assertThat(this.browser.one("pre[data-payload]").getText())
			.contains("<script>window.fanoutInjected = true;</script>");
		assertThat(this.browser.driver().getPageSource()).contains("&lt;script&gt;window.fanoutInjected");
		assertThat(((org.openqa.selenium.JavascriptExecutor) this.browser.driver())
			.executeScript("return window.fanoutInjected === undefined;")).isEqualTo(true);
		this.browser.screenshot("event-markup");
	}

	private String signUp(String email) {
		JsonNode created = SampleHttpClient.json(this.client.signUp(email, "correct horse battery"));
		return created.get("eventId").asString();
	}

	private RunInfo run(String eventId, String functionId) {
		return this.admin.runsForEvent(eventId)
			.stream()
			.filter((run) -> run.functionId().equals(functionId))
			.findFirst()
			.orElseThrow();
	}

	private static double left(WebElement step) {
		String style = step.findElement(org.openqa.selenium.By.cssSelector(".bar.exec")).getAttribute("style");
		String left = style.replaceAll(".*left:\\s*([0-9.]+)%.*", "$1");
		return Double.parseDouble(left);
	}

}
