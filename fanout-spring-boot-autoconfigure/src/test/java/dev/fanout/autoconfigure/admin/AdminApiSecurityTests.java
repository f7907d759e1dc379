package dev.fanout.autoconfigure.admin;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.EventFunction;
import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.FunctionInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.autoconfigure.DashboardApps;
import dev.fanout.autoconfigure.RunningApp;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin API fails closed with Spring Security on the classpath and no admin token: it
 * serves an authenticated user only, whatever the application's security rules leave
 * open. Runs in a surefire execution of its own, the only one with Spring Security.
 */
class AdminApiSecurityTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String EXCLUDE_SECURITY = "spring.autoconfigure.exclude="
			+ "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration";

	@RegisterExtension
	final DashboardApps apps = new DashboardApps();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aChainForOtherPathsLeavesTheApiClosed(TestDatabase database) {
		RunningApp app = start(database, OtherPathsOnly.class);
		assertUnauthorized(app.get("/fanout/api/functions"));
		assertUnauthorized(app.post("/fanout/api/runs/" + sleepingRun(app) + "/cancel", ""));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aChainThatPermitsEverythingLeavesTheApiClosedToAnonymousUsers(TestDatabase database) {
		RunningApp app = start(database, PermitAll.class);
		assertUnauthorized(app.get("/fanout/api/functions"));
		String runId = sleepingRun(app);
		assertUnauthorized(app.post("/fanout/api/runs/" + runId + "/cancel", ""));
		assertThat(app.bean(FanoutAdmin.class).run(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void withoutSecurityAutoConfigurationTheApiStaysClosed(TestDatabase database) {
		RunningApp app = start(database, Nap.class, EXCLUDE_SECURITY);
		assertUnauthorized(app.get("/fanout/api/functions"));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void anAuthenticatedUserIsServed(TestDatabase database) {
		RunningApp app = start(database, ApiForOps.class);
		assertThat(app.get("/fanout/api/functions").statusCode()).isEqualTo(401);
		String ops = "Basic " + Base64.getEncoder().encodeToString("ops:ops-password".getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> functions = app.get("/fanout/api/functions", "Authorization", ops);
		assertThat(functions.statusCode()).as(functions.body()).isEqualTo(200);
		String runId = sleepingRun(app);
		HttpResponse<String> cancelled = app.post("/fanout/api/runs/" + runId + "/cancel", "", "Authorization", ops);
		assertThat(JSON.readTree(cancelled.body()).get("status").asString()).isEqualTo("CANCELLED");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void theDashboardServesAnAuthenticatedUserAndSendsTheCsrfHeaderWithItsActions(TestDatabase database) {
		RunningApp app = start(database, DashboardForOps.class);
		HttpResponse<String> anonymous = app.get("/fanout/runs");
		assertThat(anonymous.statusCode()).isEqualTo(401);
		String ops = "Basic " + Base64.getEncoder().encodeToString("ops:ops-password".getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> runs = app.get("/fanout/runs", "Authorization", ops);
		assertThat(runs.statusCode()).as(runs.body()).isEqualTo(200);
		assertThat(runs.body()).containsPattern("hx-headers='\\{\"X-CSRF-TOKEN\": \"[^\"]+\"}'");
		assertThat(app.post("/fanout/functions/nap/pause", "{}", "Authorization", ops).statusCode())
			.as("Spring Security's CSRF protection still applies without the header")
			.isIn(401, 403);
		assertThat(app.bean(FanoutAdmin.class).functions()).noneMatch(FunctionInfo::paused);
	}

	private static void assertUnauthorized(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.get("status").asInt()).isEqualTo(401);
		assertThat(body.get("error").asString()).contains("authenticated user");
	}

	private static String sleepingRun(RunningApp app) {
		String runId = app.bean(EventSender.class).send("app/nap.requested", Map.of()).runIds().get(0);
		await().until(() -> app.bean(FanoutAdmin.class).run(runId).orElseThrow().status() == RunStatus.SLEEPING);
		return runId;
	}

	private RunningApp start(TestDatabase database, Class<?> security, String... properties) {
		return this.apps.start(database, List.of(Nap.class, security), properties);
	}

	static class Nap {

		@EventFunction(id = "nap", event = "app/nap.requested")
		void nap(StepContext step) {
			step.sleep("nap", Duration.ofMinutes(5));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OtherPathsOnly {

		@Bean
		SecurityFilterChain appChain(HttpSecurity http) {
			return http.securityMatcher("/app/**")
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic((basic) -> {
				})
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PermitAll {

		@Bean
		SecurityFilterChain openChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DashboardForOps {

		@Bean
		SecurityFilterChain dashboardChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.requestMatchers("/fanout/**").hasRole("OPS"))
				.httpBasic((basic) -> {
				})
				.build();
		}

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("ops").password("{noop}ops-password").roles("OPS").build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApiForOps {

		@Bean
		SecurityFilterChain apiChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.requestMatchers("/fanout/api/**").hasRole("OPS"))
				.httpBasic((basic) -> {
				})
				.csrf((csrf) -> csrf.ignoringRequestMatchers("/fanout/api/**"))
				.build();
		}

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("ops").password("{noop}ops-password").roles("OPS").build());
		}

	}

}
