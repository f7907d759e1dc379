package dev.fanout.autoconfigure.remote;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * {@code src/test/node/remote-app.mjs}, the functions written with the official Inngest
 * TypeScript SDK that fanout runs in these tests, started with {@code node} on a port of
 * its own. Node.js is required: without it the tests fail, they do not skip.
 */
final class NodeApp implements AutoCloseable {

	private static final Path FOLDER = Path.of("src", "test", "node");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Process process;

	private final int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private NodeApp(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/**
	 * Start the app and wait until it answers.
	 * @param port its port
	 * @param environment its {@code INNGEST_*} variables
	 * @param log where its output goes
	 * @return the app
	 */
	static NodeApp start(int port, Map<String, String> environment, File log) {
		if (!Files.isDirectory(FOLDER.resolve("node_modules/inngest"))) {
			fail("The Inngest SDK is not installed in " + FOLDER.toAbsolutePath()
					+ ": Maven runs 'npm ci' there in generate-test-resources; run it by hand for an IDE");
		}
		ProcessBuilder builder = new ProcessBuilder("node", "remote-app.mjs").directory(FOLDER.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log);
		builder.environment().keySet().removeIf((name) -> name.startsWith("INNGEST_"));
		builder.environment().putAll(environment);
		builder.environment().put("PORT", Integer.toString(port));
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			return fail("Node.js is needed to run functions written with the Inngest SDK, but 'node' could not be "
					+ "started (" + ex.getMessage() + "): install Node.js and put it on the PATH", ex);
		}
		NodeApp app = new NodeApp(process, port);
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> app.counts() != null || !process.isAlive());
		if (!process.isAlive()) {
			fail("node remote-app.mjs exited with " + process.exitValue() + "; its output is in " + log);
		}
		return app;
	}

	/**
	 * The app's serve URL.
	 * @return the URL
	 */
	String url() {
		return "http://127.0.0.1:" + this.port + "/api/inngest";
	}

	/**
	 * How many times each step body ran, by name.
	 * @return the counts
	 */
	JsonNode counts() throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/counts")).build(),
				HttpResponse.BodyHandlers.ofString());
		return JSON.readTree(response.body());
	}

	/**
	 * How many times a step body ran.
	 * @param name the step's count name
	 * @return the count, 0 if never
	 */
	int count(String name) {
		try {
			return counts().path(name).asInt(0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
