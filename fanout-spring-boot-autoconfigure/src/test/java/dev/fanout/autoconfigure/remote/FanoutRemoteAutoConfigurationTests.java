package dev.fanout.autoconfigure.remote;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

import dev.fanout.autoconfigure.FanoutAutoConfiguration;
import dev.fanout.engine.remote.RemoteApps;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FanoutRemoteAutoConfiguration}: nothing without an app, the apps as
 * configured, and configuration errors that name the entry.
 */
class FanoutRemoteAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
				JacksonAutoConfiguration.class, FanoutAutoConfiguration.class, FanoutRemoteAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	@Test
	void addsNothingWithoutAnApp() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(RemoteApps.class)
			.doesNotHaveBean(RemoteAppsLifecycle.class));
	}

	@Test
	void readsTheAppsAndTheirKeys() {
		this.runner
			.withPropertyValues("fanout.remote.apps[0].url=http://127.0.0.1:1/api/inngest",
					"fanout.remote.apps[0].sync-on-startup=false",
					"fanout.remote.apps[1].url=https://crm.example.com/api/inngest",
					"fanout.remote.apps[1].signing-key=signkey-prod-" + "ab".repeat(32),
					"fanout.remote.apps[1].call-timeout=30s", "fanout.remote.apps[1].sync-on-startup=false")
			.run((context) -> {
				RemoteApps apps = context.getBean(RemoteApps.class);
				assertThat(apps.apps()).hasSize(2);
				assertThat(apps.apps().get(0).serverKind()).isEqualTo("dev");
				assertThat(apps.apps().get(1).serverKind()).isEqualTo("cloud");
				assertThat(apps.apps().get(1).callTimeout()).hasSeconds(30);
				assertThat(apps.apps().get(0).callTimeout()).hasMinutes(5);
				// Nothing was synced: sync-on-startup is off for both.
				assertThat(apps.status()).isEmpty();
			});
	}

	@Test
	void anAppThatCannotBeReachedIsReportedAndTheApplicationStarts() {
		this.runner.withPropertyValues("fanout.remote.apps[0].url=http://127.0.0.1:1/api/inngest").run((context) -> {
			assertThat(context).hasNotFailed();
			RemoteApps apps = context.getBean(RemoteApps.class);
			assertThat(apps.status()).singleElement().satisfies((sync) -> {
				assertThat(sync.appId()).isNull();
				assertThat(sync.error()).startsWith("Syncing http://127.0.0.1:1/api/inngest failed");
			});
		});
	}

	@Test
	void aMalformedSigningKeyStopsStartupNamingTheApp() {
		this.runner
			.withPropertyValues("fanout.remote.apps[0].url=http://127.0.0.1:1/api/inngest",
					"fanout.remote.apps[0].signing-key=hunter2")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("fanout.remote.apps entry http://127.0.0.1:1/api/inngest: A signing key must "
						+ "look like signkey-<env>-<hex>")
				.satisfies((failure) -> assertThat(stackTrace(failure)).doesNotContain("hunter2")));
	}

	private static String stackTrace(Throwable failure) {
		StringWriter text = new StringWriter();
		failure.printStackTrace(new PrintWriter(text));
		return text.toString();
	}

}
