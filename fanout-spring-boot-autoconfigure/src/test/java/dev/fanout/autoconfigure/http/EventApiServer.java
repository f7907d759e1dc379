package dev.fanout.autoconfigure.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.EventFunction;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.testsupport.FreshDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real application on a random loopback port, with fanout on a test database, the HTTP
 * event API, and one function that every {@code http/*} and {@code sdk/*} event triggers.
 */
final class EventApiServer implements AutoCloseable {

	static final String FUNCTION_ID = "http-signup";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ConfigurableApplicationContext context;

	private final FreshDatabase database;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private EventApiServer(ConfigurableApplicationContext context, FreshDatabase database) {
		this.context = context;
		this.database = database;
	}

	/**
	 * Start a server.
	 * @param database the database, dropped when the server closes
	 * @param properties more properties, {@code name=value}
	 * @return the started server
	 */
	static EventApiServer start(FreshDatabase database, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
						"spring.datasource.url=" + database.url(), "spring.datasource.username=" + database.username(),
						"spring.datasource.password=" + database.password(), "fanout.jdbc.initialize-schema=always",
						"fanout.worker.poll-interval=100ms"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
		return new EventApiServer(context, database);
	}

	int port() {
		return Integer.parseInt(this.context.getEnvironment().getRequiredProperty("local.server.port"));
	}

	/**
	 * The base URL to give an Inngest SDK: the base path with a trailing slash.
	 * @return the base URL
	 */
	String baseUrl() {
		return "http://127.0.0.1:" + port() + "/fanout/";
	}

	/**
	 * POST a JSON body.
	 * @param path the path, from the root
	 * @param body the body
	 * @param headers header names and values, alternating
	 * @return the response
	 */
	HttpResponse<String> post(String path, String body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (headers.length > 0) {
			request.headers(headers);
		}
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	static List<String> ids(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode body = json(response);
		assertThat(body.get("status").intValue()).isEqualTo(200);
		List<String> ids = new ArrayList<>();
		body.get("ids").forEach((id) -> ids.add(id.stringValue()));
		return ids;
	}

	FanoutAdmin admin() {
		return this.context.getBean(FanoutAdmin.class);
	}

	FreshDatabase database() {
		return this.database;
	}

	/**
	 * Wait until the function's run for an event has completed.
	 * @param eventId the event id
	 * @return the run
	 */
	RunInfo awaitCompletedRun(String eventId) {
		return await().atMost(Duration.ofSeconds(20))
			.until(() -> admin().runsForEvent(eventId),
					(runs) -> runs.size() == 1 && runs.get(0).status() == RunStatus.COMPLETED)
			.get(0);
	}

	/**
	 * The stored rows of an event id.
	 * @param eventId the event id
	 * @return the rows
	 */
	List<Map<String, Object>> eventRows(String eventId) {
		return this.database.jdbc().queryForList("SELECT * FROM fanout_events WHERE id = ? ORDER BY seq", eventId);
	}

	/**
	 * How many rows fanout's event and run tables hold, to show that a request stored
	 * nothing.
	 * @return the counts of events, event ids and runs
	 */
	List<Integer> rowCounts() {
		return List.of(this.database.count("fanout_events"), this.database.count("fanout_event_ids"),
				this.database.count("fanout_runs"));
	}

	@Override
	public void close() {
		try {
			this.context.close();
		}
		finally {
			this.database.close();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Signups.class)
	static class App {

	}

	static class Signups {

		@EventFunction(id = FUNCTION_ID, event = { "http/*", "sdk/*" })
		String welcome(Map<String, Object> data, StepContext step) {
			return step.run("greet", () -> "welcome " + data.getOrDefault("email", "?"));
		}

	}

}
