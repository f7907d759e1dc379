package dev.fanout.engine.remote;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An SDK app on a loopback port that answers each call with the next scripted reply, as
 * recorded from the official SDKs, and keeps every request. A call without a reply left
 * gets 500, which the test then sees in the run.
 */
final class FakeSdk implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpServer server;

	private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private FakeSdk(HttpServer server) {
		this.server = server;
	}

	static FakeSdk start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			FakeSdk sdk = new FakeSdk(server);
			server.createContext("/api/inngest", sdk::handle);
			server.start();
			return sdk;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	URI url(String functionId) {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/api/inngest?fnId=" + functionId
				+ "&stepId=step");
	}

	/** Answer the next call with ops. */
	FakeSdk ops(String json) {
		return answer(206, json);
	}

	/** Answer the next call as a function that returned. */
	FakeSdk returns(String json) {
		return answer(200, json);
	}

	FakeSdk answer(int status, String body, String... headers) {
		Map<String, String> all = new LinkedHashMap<>();
		all.put("X-Inngest-Sdk", "inngest-js:v4.24.0");
		all.put("X-Inngest-Req-Version", "2");
		for (int i = 0; i < headers.length; i += 2) {
			if (headers[i + 1] == null) {
				all.remove(headers[i]);
			}
			else {
				all.put(headers[i], headers[i + 1]);
			}
		}
		this.answers.add(new Answer(status, body, all));
		return this;
	}

	List<Call> calls() {
		return List.copyOf(this.calls);
	}

	List<String> stepIds() {
		return this.calls.stream().map(Call::stepId).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		byte[] raw = exchange.getRequestBody().readAllBytes();
		String query = exchange.getRequestURI().getRawQuery();
		String stepId = List.of(query.split("&"))
			.stream()
			.filter((parameter) -> parameter.startsWith("stepId="))
			.map((parameter) -> parameter.substring("stepId=".length()))
			.findFirst()
			.orElse("");
		this.calls.add(new Call(stepId, JSON.readTree(raw), raw,
				exchange.getRequestHeaders().getFirst("X-Inngest-Signature"), Instant.now()));
		Answer answer;
		try {
			answer = this.answers.poll(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		if (answer == null) {
			answer = new Answer(500, "{\"name\":\"Error\",\"message\":\"no scripted reply left\"}",
					Map.of("X-Inngest-Sdk", "inngest-js:v4.24.0"));
		}
		answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(answer.status(), (body.length == 0) ? -1 : body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/** The hashed id of a step, as the SDKs make it. */
	static String hash(String userId) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(userId.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Answer(int status, String body, Map<String, String> headers) {
	}

	/**
	 * A request the app received.
	 */
	record Call(String stepId, JsonNode body, byte[] raw, @Nullable String signature, Instant at) {

		int attempt() {
			return this.body.path("ctx").path("attempt").asInt();
		}

		JsonNode steps() {
			return this.body.path("steps");
		}

		List<String> stack() {
			return this.body.path("ctx").path("stack").path("stack").valueStream().map(JsonNode::stringValue).toList();
		}

		boolean disablesImmediateExecution() {
			return this.body.path("ctx").path("disable_immediate_execution").asBoolean();
		}

	}

}
