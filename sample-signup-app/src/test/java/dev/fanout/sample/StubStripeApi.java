package dev.fanout.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stub of the two Stripe API calls the sample makes, on a real local port: it records
 * every request (form parameters and headers) and answers {@code POST /v1/customers} and
 * {@code POST /v1/subscriptions} with minimal Stripe-shaped JSON.
 */
final class StubStripeApi implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpServer server;

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final AtomicInteger ids = new AtomicInteger();

	private StubStripeApi(HttpServer server) {
		this.server = server;
	}

	static StubStripeApi start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			StubStripeApi stub = new StubStripeApi(server);
			server.createContext("/", stub::handle);
			server.start();
			return stub;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start the Stripe stub", ex);
		}
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	List<Request> requests() {
		return List.copyOf(this.requests);
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream body = exchange.getRequestBody()) {
			Map<String, String> form = parseForm(new String(body.readAllBytes(), StandardCharsets.UTF_8));
			Map<String, String> headers = new LinkedHashMap<>();
			exchange.getRequestHeaders()
				.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getPath();
			this.requests.add(new Request(method, path, headers, form));
			if ("POST".equals(method) && "/v1/customers".equals(path)) {
				respond(exchange, 200, Map.of("id", "cus_stub_" + this.ids.incrementAndGet(), "object", "customer",
						"email", form.get("email")));
			}
			else if ("POST".equals(method) && "/v1/subscriptions".equals(path)) {
				long trialEnd = Instant.now().getEpochSecond() + Long.parseLong(form.get("trial_period_days")) * 86_400;
				respond(exchange, 200, Map.of("id", "sub_stub_" + this.ids.incrementAndGet(), "object", "subscription",
						"customer", form.get("customer"), "status", "trialing", "trial_end", trialEnd));
			}
			else {
				respond(exchange, 404, Map.of("error", Map.of("type", "invalid_request_error", "message",
						"Unrecognized request URL (" + method + ": " + path + ")")));
			}
		}
	}

	private static void respond(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
		byte[] bytes = json.writeValueAsBytes(body);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.getResponseHeaders().set("Request-Id", "req_stub");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private static Map<String, String> parseForm(String body) {
		Map<String, String> form = new LinkedHashMap<>();
		for (String pair : body.split("&")) {
			if (!pair.isEmpty()) {
				int equals = pair.indexOf('=');
				String name = (equals >= 0) ? pair.substring(0, equals) : pair;
				String value = (equals >= 0) ? pair.substring(equals + 1) : "";
				form.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
						URLDecoder.decode(value, StandardCharsets.UTF_8));
			}
		}
		return form;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * A recorded request.
	 *
	 * @param method the HTTP method
	 * @param path the path
	 * @param headers the headers, by lower-case name (first value)
	 * @param form the form-encoded parameters, decoded
	 */
	record Request(String method, String path, Map<String, String> headers, Map<String, String> form) {

	}

}
