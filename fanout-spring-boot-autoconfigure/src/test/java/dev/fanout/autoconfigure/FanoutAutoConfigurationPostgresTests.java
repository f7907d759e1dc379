package dev.fanout.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configuration on a real PostgreSQL server: schema initialization is opt-in
 * there, and the engine runs functions once the tables exist.
 */
class FanoutAutoConfigurationPostgresTests {

	private final FreshDatabase database = TestDatabase.POSTGRESQL.create();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				FanoutAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + this.database.url(),
				"spring.datasource.username=" + this.database.username(),
				"spring.datasource.password=" + this.database.password(), "fanout.worker.poll-interval=100ms");

	@AfterEach
	void dropDatabase() {
		this.database.close();
	}

	@Test
	void leavesANonEmbeddedDatabaseAloneByDefault() {
		this.runner.withPropertyValues("fanout.jdbc.table-prefix=untouched_")
			.run((context) -> assertThat(tableCount("untouched_runs")).isZero());
	}

	@Test
	void createsTablesWhenAskedAndRunsFunctions() {
		this.runner.withPropertyValues("fanout.jdbc.initialize-schema=always")
			.withUserConfiguration(Signup.class)
			.run((context) -> {
				assertThat(tableCount("fanout_runs")).isOne();
				SendResult sent = context.getBean(EventSender.class)
					.send(Event.of("app/user.signup", Map.of("email", "ada@example.com")));
				FanoutAdmin admin = context.getBean(FanoutAdmin.class);
				RunInfo run = await().atMost(Duration.ofSeconds(10))
					.until(() -> admin.run(sent.runIds().get(0)).orElseThrow(), (r) -> r.status().isFinal());
				assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
				assertThat(run.steps()).extracting("key").containsExactly("normalize");
				assertThat(run.output()).isEqualTo("\"ADA@EXAMPLE.COM\"");
			});
	}

	@Test
	void eventSentByOneApplicationRunsTheFunctionsOfEveryApplicationEachInItsOwn() {
		ApplicationContextRunner apps = this.runner.withPropertyValues("fanout.jdbc.initialize-schema=always");
		apps.withPropertyValues("fanout.app-id=billing").withUserConfiguration(Billing.class).run((billing) -> {
			apps.withPropertyValues("fanout.app-id=crm").withUserConfiguration(Crm.class).run((crm) -> {
				SendResult sent = billing.getBean(EventSender.class)
					.send(Event.of("app/user.signup", Map.of("email", "ada@example.com")));
				assertThat(sent.runIds()).hasSize(2);
				FanoutAdmin admin = billing.getBean(FanoutAdmin.class);
				for (String runId : sent.runIds()) {
					RunInfo run = await().atMost(Duration.ofSeconds(10))
						.until(() -> admin.run(runId).orElseThrow(), (r) -> r.status().isFinal());
					assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
				}
				assertThat(billing.getBean(Billing.class).ranIn).containsExactly("billing");
				assertThat(crm.getBean(Crm.class).ranIn).containsExactly("crm");
			});
		});
	}

	private int tableCount(String table) {
		return this.database.jdbc()
			.queryForObject("select count(*) from information_schema.tables where table_name = ?", Integer.class,
					table);
	}

	static class Signup {

		record SignupData(String email) {
		}

		@EventFunction(id = "normalize-email", event = "app/user.signup")
		String normalize(SignupData signup, StepContext step) {
			return step.run("normalize", () -> signup.email().toUpperCase());
		}

	}

	static class Billing {

		final List<String> ranIn = new CopyOnWriteArrayList<>();

		@Value("${fanout.app-id}")
		String appId;

		@EventFunction(id = "start-trial", event = "app/user.signup")
		void startTrial() {
			this.ranIn.add(this.appId);
		}

	}

	static class Crm {

		final List<String> ranIn = new CopyOnWriteArrayList<>();

		@Value("${fanout.app-id}")
		String appId;

		@EventFunction(id = "add-contact", event = "app/user.signup")
		void addContact() {
			this.ranIn.add(this.appId);
		}

	}

}
