package dev.fanout.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.fanout.testsupport.FreshDatabase;

/**
 * A Spring Boot web application with fanout on a test database, listening on a random
 * loopback port, and a client for it.
 */
public final class RunningApp implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final HttpClient client = HttpClient.newHttpClient();

	private RunningApp(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Start an application.
	 * @param database the database
	 * @param components the application's own beans (functions and so on)
	 * @param properties more properties, as {@code key=value}
	 * @return the running application
	 */
	public static RunningApp start(FreshDatabase database, List<Class<?>> components, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.datasource.url=" + database.url(), "spring.datasource.username=" + database.username(),
				"spring.datasource.password=" + database.password(), "fanout.jdbc.initialize-schema=always",
				"fanout.worker.poll-interval=100ms"));
		all.addAll(List.of(properties));
		List<Class<?>> sources = new ArrayList<>(components);
		sources.add(0, Application.class);
		return new RunningApp(
				new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).web(WebApplicationType.SERVLET)
					.properties(all.toArray(String[]::new))
					.run());
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/**
	 * The address of a path on this application.
	 * @param path the path, starting with a slash
	 * @return the URI
	 */
	public URI uri(String path) {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

	public HttpResponse<String> get(String path, String... headers) {
		return send(request(path, headers).GET());
	}

	public HttpResponse<String> post(String path, String json, String... headers) {
		return postAs(path, "application/json", json, headers);
	}

	/**
	 * Post a body of any type.
	 * @param path the path, starting with a slash
	 * @param contentType the body's content type
	 * @param body the body
	 * @param headers more headers, as name and value pairs
	 * @return the response
	 */
	public HttpResponse<String> postAs(String path, String contentType, String body, String... headers) {
		return send(request(path, headers).header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	/**
	 * The status of a {@code GET} sent with a {@code Host} header of the caller's choice,
	 * which the HTTP client does not let a caller set.
	 * @param path the path, starting with a slash
	 * @param host the {@code Host} header
	 * @return the response's status code
	 */
	public int statusWithHost(String path, String host) {
		int port = uri(path).getPort();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			String status = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
			return Integer.parseInt(status.split(" ")[1]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private HttpRequest.Builder request(String path, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
		return (headers.length > 0) ? request.headers(headers) : request;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
