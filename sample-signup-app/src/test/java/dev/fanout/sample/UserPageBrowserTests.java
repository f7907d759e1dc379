package dev.fanout.sample;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import dev.fanout.FanoutAdmin;
import dev.fanout.RunStatus;
import dev.fanout.test.FanoutRuns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The user page as a browser shows it: headless Chromium loads {@code /users/{id}}, runs
 * its script, and the rendered DOM lists the runs and their steps. Skipped where no
 * Chromium is installed (CI installs it).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class UserPageBrowserTests {

	@LocalServerPort
	int port;

	@Autowired
	FanoutAdmin fanout;

	@Test
	void userPageRendersRunsAndStepsOfTheSignup(@TempDir Path profile) throws Exception {
		Optional<String> chromium = findChromium();
		assumeTrue(chromium.isPresent(), "no chromium on the PATH");
		SampleHttpClient client = new SampleHttpClient(this.port);
		JsonNode created = SampleHttpClient.json(client.signUp("page@example.com", "correct horse battery"));
		String eventId = created.get("eventId").asString();
		new FanoutRuns(this.fanout).awaitEvent(eventId, RunStatus.COMPLETED);

		String dom = renderedDom(chromium.get(), profile,
				"http://127.0.0.1:" + this.port + "/users/" + created.get("userId").asLong());

		assertThat(dom).contains("Runs of user #" + created.get("userId").asLong() + " (page@example.com)")
			.contains("Signup event " + eventId)
			.contains("send-welcome-email", "send-email", "start-stripe-trial", "create-customer",
					"create-subscription", "cus_local_")
			.doesNotContain("status FAILED");
		assertThat(dom.split("<span class=\"status COMPLETED\">COMPLETED</span>", -1)).as("runs shown completed")
			.hasSize(3);
	}

	private static String renderedDom(String chromium, Path profile, String url) throws Exception {
		Path out = profile.resolve("dom.html");
		Process process = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
				"--user-data-dir=" + profile.resolve("user-data"), "--virtual-time-budget=10000", "--dump-dom", url)
			.redirectOutput(out.toFile())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		try {
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("chromium finished within 60s").isTrue();
		}
		finally {
			process.destroyForcibly();
		}
		return Files.readString(out, StandardCharsets.UTF_8);
	}

	private static Optional<String> findChromium() throws IOException {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
			for (String directory : path.split(File.pathSeparator)) {
				Path candidate = Path.of(directory, name);
				if (Files.isExecutable(candidate)) {
					return Optional.of(candidate.toString());
				}
			}
		}
		return Optional.empty();
	}

}
