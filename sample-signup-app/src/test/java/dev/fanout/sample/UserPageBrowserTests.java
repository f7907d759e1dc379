package dev.fanout.sample;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import dev.fanout.FanoutAdmin;
import dev.fanout.RunStatus;
import dev.fanout.test.FanoutRuns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The user page as a browser shows it: headless Chromium loads {@code /users/{id}}, runs
 * its script, and the rendered DOM lists the runs and their steps. Skipped where Chromium
 * or its driver is missing (CI installs both).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class UserPageBrowserTests {

	@LocalServerPort
	int port;

	@Autowired
	FanoutAdmin fanout;

	@Test
	void userPageRendersRunsAndStepsOfTheSignup() {
		Optional<Browser> opened = Browser.open(this.port);
		assumeTrue(opened.isPresent(), "no chromium and chromedriver on the PATH");
		SampleHttpClient client = new SampleHttpClient(this.port);
		JsonNode created = SampleHttpClient.json(client.signUp("page@example.com", "correct horse battery"));
		String eventId = created.get("eventId").asString();
		new FanoutRuns(this.fanout).awaitEvent(eventId, RunStatus.COMPLETED);

		try (Browser browser = opened.get()) {
			browser.go("/users/" + created.get("userId").asLong());
			String dom = browser.await("the runs rendered",
					(driver) -> (driver.getPageSource().contains("cus_local_")) ? driver.getPageSource() : null);

			assertThat(dom).contains("Runs of user #" + created.get("userId").asLong() + " (page@example.com)")
				.contains("Signup event " + eventId)
				.contains("send-welcome-email", "send-email", "start-stripe-trial", "create-customer",
						"create-subscription", "cus_local_")
				.doesNotContain("status FAILED");
			assertThat(dom.split("<span class=\"status COMPLETED\">COMPLETED</span>", -1)).as("runs shown completed")
				.hasSize(3);
		}
	}

}
