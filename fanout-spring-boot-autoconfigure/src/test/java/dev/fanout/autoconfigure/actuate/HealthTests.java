package dev.fanout.autoconfigure.actuate;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.autoconfigure.DashboardApps;
import dev.fanout.autoconfigure.RunningApp;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code fanout} health over real HTTP, on H2 and PostgreSQL: DOWN with the reason
 * while the engine's database refuses connections, UP again once it takes them.
 */
class HealthTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@RegisterExtension
	final DashboardApps apps = new DashboardApps();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void isDownWhileTheDatabaseIsOutOfReachAndUpWhenItIsBack(TestDatabase database) {
		RunningApp app = this.apps.start(database, List.of(Outage.class),
				"management.endpoints.web.exposure.include=health", "management.endpoint.health.show-components=always",
				"management.endpoint.health.show-details=always");
		assertThat(fanout(app).get("status").asString()).isEqualTo("UP");

		app.bean(Outage.class).down.set(true);
		JsonNode down = await().atMost(Duration.ofSeconds(10))
			.until(() -> fanout(app), (health) -> "DOWN".equals(health.get("status").asString()));
		assertThat(down.get("details").toString()).contains("database refuses connections");

		app.bean(Outage.class).down.set(false);
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(fanout(app).get("status").asString()));
	}

	private static JsonNode fanout(RunningApp app) {
		HttpResponse<String> response = app.get("/actuator/health");
		return JSON.readTree(response.body()).get("components").get("fanout");
	}

	/**
	 * The application's DataSource, which refuses connections while {@code down} is set.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Outage {

		final AtomicBoolean down = new AtomicBoolean();

		@Bean
		DataSource dataSource(Environment environment) {
			DataSource real = DataSourceBuilder.create()
				.url(environment.getProperty("spring.datasource.url"))
				.username(environment.getProperty("spring.datasource.username"))
				.password(environment.getProperty("spring.datasource.password"))
				.build();
			return new DelegatingDataSource(real) {

				@Override
				public Connection getConnection() throws SQLException {
					if (Outage.this.down.get()) {
						throw new SQLException("database refuses connections");
					}
					return super.getConnection();
				}

			};
		}

	}

}
