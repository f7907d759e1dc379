package dev.fanout.engine.remote;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * Talks to SDK applications over HTTP: the in-band sync that reads an app's functions,
 * and the calls that drive its runs. Bodies are sent in canonical JSON and signed when
 * the app has a signing key; replies are read into a {@link Reply}, deciding retries from
 * {@code X-Inngest-No-Retry} as the SDKs mean it, never from the status.
 *
 * @since 0.1.0
 */
public final class RemoteCaller {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient client;

	private final Clock clock;

	/**
	 * Create a caller.
	 * @param clock the clock, for signatures and {@code Retry-After}
	 */
	public RemoteCaller(Clock clock) {
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(CONNECT_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		this.clock = clock;
	}

	/**
	 * Call a function of an app for one step or discovery.
	 * @param app the app
	 * @param url the function's URL, with its {@code stepId}
	 * @param request the request body as JSON
	 * @param runId the run, for {@code X-Run-ID}
	 * @return the reply
	 * @throws InterruptedException if the thread is interrupted while it waits
	 */
	public Reply call(RemoteApp app, URI url, String request, String runId) throws InterruptedException {
		HttpRequest.Builder builder = signed(app, url, request).header("X-Run-ID", runId);
		HttpResponse<byte[]> response;
		try {
			response = this.client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			return new Reply.Failed(0, "Calling " + url + " failed: " + ex, false, null);
		}
		return read(response);
	}

	/**
	 * Ask an app for its functions in band: {@code PUT} to its serve URL, signed, and the
	 * reply's signature checked when it has a key.
	 * @param app the app
	 * @return the app's description: {@code app_id}, {@code functions} and the rest
	 * @throws IllegalStateException if the app cannot be reached or did not answer as an
	 * SDK syncing in band, saying why
	 * @throws InterruptedException if the thread is interrupted while it waits
	 */
	public JsonNode sync(RemoteApp app) throws InterruptedException {
		String request = JSON.writeValueAsString(Map.of("url", app.url().toString()));
		HttpRequest httpRequest = signed(app, app.url(), request).header("X-Inngest-Sync-Kind", "in_band")
			.PUT(HttpRequest.BodyPublishers.ofByteArray(CanonicalJson.of(request)))
			.build();
		HttpResponse<byte[]> response;
		try {
			response = this.client.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Syncing " + app.url() + " failed: " + ex, ex);
		}
		String body = new String(response.body(), StandardCharsets.UTF_8);
		if (response.statusCode() != 200 || !"in_band".equals(header(response, "X-Inngest-Sync-Kind"))) {
			throw new IllegalStateException("Syncing " + app.url() + " failed: it answered " + response.statusCode()
					+ ((header(response, "X-Inngest-Sync-Kind") != null) ? "" : " without syncing in band")
					+ hint(response.statusCode(), app) + ": " + abbreviate(body));
		}
		SigningKey key = app.signingKey();
		if (key != null && !verifiesReply(key, response)) {
			throw new IllegalStateException("Syncing " + app.url() + " failed: its reply is not signed with the "
					+ "signing key fanout has for it");
		}
		try {
			return JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("Syncing " + app.url() + " failed: its reply is not JSON", ex);
		}
	}

	private HttpRequest.Builder signed(RemoteApp app, URI url, String json) {
		byte[] body = CanonicalJson.of(json);
		HttpRequest.Builder builder = HttpRequest.newBuilder(url)
			.timeout(app.callTimeout())
			.header("Content-Type", "application/json")
			.header("X-Inngest-Server-Kind", app.serverKind())
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		SigningKey key = app.signingKey();
		if (key != null) {
			builder.header("X-Inngest-Signature", key.sign(body, this.clock.instant()));
		}
		return builder;
	}

	/**
	 * The SDKs sign replies over their raw bytes; Go first trims a final newline.
	 */
	private boolean verifiesReply(SigningKey key, HttpResponse<byte[]> response) {
		String signature = header(response, "X-Inngest-Signature");
		byte[] body = response.body();
		Instant now = this.clock.instant();
		if (key.verifies(body, signature, now)) {
			return true;
		}
		return body.length > 0 && body[body.length - 1] == '\n'
				&& key.verifies(Arrays.copyOf(body, body.length - 1), signature, now);
	}

	Reply read(HttpResponse<byte[]> response) {
		int status = response.statusCode();
		String body = new String(response.body(), StandardCharsets.UTF_8);
		boolean noRetry = "true".equalsIgnoreCase(header(response, "X-Inngest-No-Retry"));
		Instant retryAfter = retryAfter(header(response, "Retry-After"));
		if (status >= 200 && status < 300 && header(response, "X-Inngest-Sdk") == null) {
			return new Reply.Failed(status, "The reply (" + status + ") has no X-Inngest-Sdk header: something other "
					+ "than an Inngest SDK answered (a proxy, or a wrong URL?)", false, null);
		}
		if (status == 201) {
			return new Reply.Failed(status, "The app streams its replies (INNGEST_STREAMING), which fanout does not "
					+ "support: turn streaming off", true, null);
		}
		if (status == 200 || status == 206) {
			JsonNode value;
			try {
				value = body.isBlank() ? NullNode.getInstance() : JSON.readTree(body);
			}
			catch (JacksonException ex) {
				return new Reply.Failed(status, "The reply (" + status + ") is not JSON: " + abbreviate(body), false,
						null);
			}
			if (status == 200) {
				return new Reply.Returned(value);
			}
			try {
				return new Reply.Reported(Op.parseAll(value), noRetry, retryAfter);
			}
			catch (IllegalArgumentException ex) {
				return new Reply.Failed(status, "The reply (206) has an unreadable op: " + ex.getMessage(), false,
						null);
			}
		}
		return new Reply.Failed(status, "The app answered " + status + ": " + errorMessage(body), noRetry, retryAfter);
	}

	/**
	 * The SDKs' error bodies: {@code {name, message}} (JavaScript, Python) or
	 * {@code {message}} (Go); anything else as text.
	 */
	private static String errorMessage(String body) {
		try {
			JsonNode error = JSON.readTree(body);
			String message = (error != null && error.isObject()) ? Op.text(error, "message") : null;
			if (message != null) {
				String name = Op.text(error, "name");
				return (name != null) ? name + ": " + message : message;
			}
		}
		catch (JacksonException ex) {
			// Not JSON: shown as text.
		}
		return abbreviate(body);
	}

	private static String hint(int status, RemoteApp app) {
		if (status == 401) {
			return (app.signingKey() != null)
					? " (it refused fanout's signature: is its INNGEST_SIGNING_KEY the key configured here, and are "
							+ "the clocks within 5 minutes?)"
					: " (it wants signed requests: configure its signing key, or run it with INNGEST_DEV=1)";
		}
		return "";
	}

	/**
	 * {@code Retry-After} in seconds or as an HTTP or ISO date.
	 */
	private @Nullable Instant retryAfter(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.trim();
		if (text.matches("\\d{1,7}")) {
			return this.clock.instant().plusSeconds(Long.parseLong(text));
		}
		try {
			return ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
		}
		catch (DateTimeParseException notHttpDate) {
			try {
				return RemoteTimes.until(text, this.clock.instant(), "Retry-After");
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}
	}

	private static @Nullable String header(HttpResponse<?> response, String name) {
		return response.headers().firstValue(name).orElse(null);
	}

	private static String abbreviate(String text) {
		return (text.length() > 500) ? text.substring(0, 500) + "..." : text;
	}

}
