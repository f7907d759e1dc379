package dev.fanout.autoconfigure.http;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs {@code src/test/node/send.mjs}, which sends events through the official Inngest
 * TypeScript SDK that Maven installed there with {@code npm ci}. Node.js is required:
 * without it the test fails, it does not skip.
 */
final class InngestSdk {

	private static final Path FOLDER = Path.of("src", "test", "node");

	private static final long TIMEOUT_SECONDS = 60;

	private InngestSdk() {
	}

	/**
	 * Run the script.
	 * @param baseUrl the base URL given to the SDK
	 * @param eventKey the event key given to the SDK
	 * @return what it printed and its exit code
	 */
	static Result send(String baseUrl, String eventKey) {
		if (!Files.isDirectory(FOLDER.resolve("node_modules/inngest"))) {
			fail("The Inngest SDK is not installed in " + FOLDER.toAbsolutePath()
					+ ": Maven runs 'npm ci' there in generate-test-resources; run it by hand for an IDE");
		}
		try {
			File stdout = File.createTempFile("inngest-sdk", ".out");
			File stderr = File.createTempFile("inngest-sdk", ".err");
			try {
				ProcessBuilder builder = new ProcessBuilder("node", "send.mjs", baseUrl, eventKey)
					.directory(FOLDER.toFile())
					.redirectOutput(stdout)
					.redirectError(stderr);
				// The SDK reads INNGEST_* variables (dev mode, base URLs, keys); the test
				// depends on the arguments alone.
				builder.environment().keySet().removeIf((name) -> name.startsWith("INNGEST_"));
				Process process = start(builder);
				if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
					process.destroyForcibly();
					fail("node send.mjs did not finish within " + TIMEOUT_SECONDS + "s");
				}
				return new Result(process.exitValue(), Files.readString(stdout.toPath(), StandardCharsets.UTF_8),
						Files.readString(stderr.toPath(), StandardCharsets.UTF_8));
			}
			finally {
				Files.deleteIfExists(stdout.toPath());
				Files.deleteIfExists(stderr.toPath());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static Process start(ProcessBuilder builder) {
		try {
			return builder.start();
		}
		catch (IOException ex) {
			return fail(
					"Node.js is needed to test the HTTP event API with the Inngest SDK, but 'node' could not be "
							+ "started (" + ex.getMessage() + "): install Node.js and npm and put them on the PATH",
					ex);
		}
	}

	/**
	 * What the script did.
	 *
	 * @param exitCode its exit code
	 * @param stdout what it printed: the ids as JSON
	 * @param stderr its errors
	 */
	record Result(int exitCode, String stdout, String stderr) {

		@Override
		public String toString() {
			return "exit " + this.exitCode + "\nstdout: " + this.stdout + "\nstderr: " + this.stderr;
		}

	}

}
