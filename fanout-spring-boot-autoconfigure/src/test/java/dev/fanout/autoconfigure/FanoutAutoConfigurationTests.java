package dev.fanout.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.Throttle;
import dev.fanout.autoconfigure.actuate.FanoutActuatorAutoConfiguration;
import dev.fanout.autoconfigure.actuate.FanoutEndpoint;
import dev.fanout.autoconfigure.actuate.FanoutHealthIndicator;
import dev.fanout.autoconfigure.metrics.FanoutGauges;
import dev.fanout.autoconfigure.metrics.FanoutMetricsAutoConfiguration;
import dev.fanout.autoconfigure.metrics.MicrometerFanoutMetrics;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.spi.FanoutMetrics;
import dev.fanout.spi.PayloadSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FanoutAutoConfiguration}: what it creates, when it backs off, and how
 * it fails.
 */
class FanoutAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
				JacksonAutoConfiguration.class, FanoutAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"fanout.worker.poll-interval=100ms", "fanout.retry.backoff=10ms");

	@Test
	void createsSenderAdminWorkerAndSchemaOnEmbeddedDatabase() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(EventSender.class)
				.hasSingleBean(FanoutAdmin.class)
				.hasSingleBean(FanoutEngine.class)
				.hasSingleBean(FanoutEngineLifecycle.class)
				.hasSingleBean(FanoutDataSourceScriptDatabaseInitializer.class);
			assertThat(rowCount(context.getBean(DataSource.class), "fanout_runs")).isZero();
		});
	}

	@Test
	void withoutMicrometerOrActuatorAddsNoMetricsEndpointOrHealth() {
		this.runner
			.withConfiguration(
					AutoConfigurations.of(FanoutMetricsAutoConfiguration.class, FanoutActuatorAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class, Endpoint.class, HealthIndicator.class))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(FanoutEngine.class)
					.doesNotHaveBean(FanoutMetrics.class)
					.doesNotHaveBean(FanoutGauges.class)
					.doesNotHaveBean(FanoutEndpoint.class)
					.doesNotHaveBean(FanoutHealthIndicator.class);
			});
	}

	@Test
	void withAMeterRegistryReportsToIt() {
		this.runner
			.withConfiguration(
					AutoConfigurations.of(FanoutMetricsAutoConfiguration.class, FanoutActuatorAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> assertThat(context).hasSingleBean(MicrometerFanoutMetrics.class)
				.hasSingleBean(FanoutGauges.class)
				.hasSingleBean(FanoutHealthIndicator.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("fanout.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FanoutEngine.class)
				.doesNotHaveBean(EventSender.class)
				.doesNotHaveBean(FanoutAdmin.class));
	}

	@Test
	void backsOffWithoutDataSource() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FanoutAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(FanoutEngine.class)
				.doesNotHaveBean(EventSender.class));
	}

	@Test
	void backsOffFromUserDefinedSenderAndSerializer() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(EventSender.class).hasSingleBean(PayloadSerializer.class);
			assertThat(context.getBean(EventSender.class)).isSameAs(UserBeans.SENDER);
			assertThat(context.getBean(PayloadSerializer.class)).isSameAs(UserBeans.SERIALIZER);
		});
	}

	@Test
	void doesNotStartWorkerWhenWorkerDisabled() {
		this.runner.withPropertyValues("fanout.worker.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(EventSender.class);
			assertThat(context.getBean(FanoutEngine.class).worker().isStarted()).isFalse();
		});
	}

	@Test
	void doesNotCreateTablesWhenInitializationIsNeverAndSaysSoWhenTheyAreMissing() {
		this.runner.withPropertyValues("fanout.jdbc.initialize-schema=never")
			.withUserConfiguration(Greeter.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining(
						"IllegalStateException: fanout's tables are missing or out of date in this "
								+ "database: create them with dev/fanout/store/jdbc/schema-<h2|postgresql>.sql");
			});
	}

	@Test
	void createsAndUsesTablesWithConfiguredPrefix() {
		this.runner.withPropertyValues("fanout.jdbc.table-prefix=acme_fanout_")
			.withUserConfiguration(Greeter.class)
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				assertThat(tableExists(dataSource, "ACME_FANOUT_RUNS")).isTrue();
				assertThat(tableExists(dataSource, "FANOUT_RUNS")).isFalse();
				SendResult sent = context.getBean(EventSender.class).send("app/greet", Map.of("name", "Ada"));
				RunInfo run = awaitFinal(context.getBean(FanoutAdmin.class), sent.runIds().get(0));
				assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
				assertThat(run.output()).isEqualTo("\"Hello, Ada\"");
			});
	}

	@Test
	void callsFunctionsThroughTheBeanProxy() {
		this.runner.withUserConfiguration(TransactionalFunction.class).run((context) -> {
			SendResult sent = context.getBean(EventSender.class).send("app/tx", Map.of());
			RunInfo run = awaitFinal(context.getBean(FanoutAdmin.class), sent.runIds().get(0));
			assertThat(run.output()).isEqualTo("true");
		});
	}

	@Test
	void appliesPerFunctionRetriesFromProperties() {
		this.runner.withPropertyValues("fanout.functions.always-fails.retries=1")
			.withUserConfiguration(AlwaysFails.class)
			.run((context) -> {
				SendResult sent = context.getBean(EventSender.class).send("app/fail", Map.of());
				RunInfo run = awaitFinal(context.getBean(FanoutAdmin.class), sent.runIds().get(0));
				assertThat(run.status()).isEqualTo(RunStatus.FAILED);
				assertThat(run.steps()).singleElement().satisfies((step) -> assertThat(step.attempts()).isEqualTo(2));
			});
	}

	@Test
	void appliesAPerFunctionConcurrencyLimitFromProperties() {
		this.runner.withPropertyValues("fanout.functions.overlapping.concurrency=1")
			.withUserConfiguration(Overlapping.class)
			.run((context) -> {
				EventSender sender = context.getBean(EventSender.class);
				List<String> runIds = sender
					.sendAll(List.of(Event.of("app/overlap", Map.of()), Event.of("app/overlap", Map.of()),
							Event.of("app/overlap", Map.of()), Event.of("app/overlap", Map.of())))
					.runIds();
				FanoutAdmin admin = context.getBean(FanoutAdmin.class);
				runIds.forEach((id) -> assertThat(awaitFinal(admin, id).status()).isEqualTo(RunStatus.COMPLETED));
				assertThat(context.getBean(Overlapping.class).mostAtOnce).hasValue(1);
			});
	}

	@Test
	void failsOnABadFlowControlValue() {
		this.runner.withUserConfiguration(BadThrottle.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(
						"Invalid @EventFunction 'bad-throttle' on bean " + "'fanoutAutoConfigurationTests.BadThrottle'")
				.hasMessageContaining("@Throttle period"));
	}

	@Test
	void skipsDisabledFunctions() {
		this.runner.withPropertyValues("fanout.functions.greet.enabled=false")
			.withUserConfiguration(Greeter.class)
			.run((context) -> assertThat(context.getBean(EventSender.class).send("app/greet", Map.of()).runIds())
				.isEmpty());
	}

	@Test
	void serializesWithTheApplicationJsonMapper() {
		this.runner.run((context) -> assertThat(context.getBean(PayloadSerializer.class))
			.isInstanceOf(JacksonPayloadSerializer.class)
			.extracting("mapper")
			.isSameAs(context.getBean(JsonMapper.class)));
	}

	@Test
	void failsOnDuplicateFunctionIds() {
		this.runner.withUserConfiguration(Greeter.class, DuplicateGreeter.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Duplicate @EventFunction id 'greet'")
				.hasMessageContaining("bean 'fanoutAutoConfigurationTests.DuplicateGreeter'")
				.hasMessageContaining("DuplicateGreeter.greet()"));
	}

	@Test
	void failsOnFunctionWithoutTrigger() {
		this.runner.withUserConfiguration(NoTrigger.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(
						"Invalid @EventFunction 'no-trigger' on bean 'fanoutAutoConfigurationTests.NoTrigger' method NoTrigger.handle()")
				.hasMessageContaining("no trigger"));
	}

	@Test
	void failsOnUnsupportedParameters() {
		this.runner.withUserConfiguration(TwoDataParameters.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(
						"Invalid @EventFunction 'two-data' on bean 'fanoutAutoConfigurationTests.TwoDataParameters'")
				.hasMessageContaining("at most one data parameter"));
	}

	@Test
	void failsOnFilterThatDoesNotParse() {
		this.runner.withUserConfiguration(BadFilter.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(
						"Invalid @EventFunction 'bad-filter' on bean 'fanoutAutoConfigurationTests.BadFilter'")
				.hasMessageContaining("filter expression 'event.data.plan ==' does not parse"));
	}

	@Test
	void failsOnCronThatDoesNotParse() {
		this.runner.withUserConfiguration(BadCron.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(
						"Invalid @EventFunction 'bad-cron' on bean 'fanoutAutoConfigurationTests.BadCron' method BadCron.handle()")
				.hasMessageContaining("cron '0 9 * * *' does not parse"));
	}

	@Test
	void failsOnCronWithUnknownZone() {
		this.runner.withUserConfiguration(UnknownCronZone.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("Invalid @EventFunction 'unknown-zone' on bean "
						+ "'fanoutAutoConfigurationTests.UnknownCronZone'")
				.hasMessageContaining("unknown time zone 'Nowhere/City'"));
	}

	@Test
	void engineKeepsItsDefaultsForPropertiesNotSet() {
		this.runner.withUserConfiguration(Greeter.class).run((context) -> {
			FanoutEngine engine = context.getBean(FanoutEngine.class);
			assertThat(engine.settings())
				.isEqualTo(EngineSettings.builder("application").pollInterval(Duration.ofMillis(100)).build());
			assertThat(engine.registry().get("greet")).hasValueSatisfying((function) -> assertThat(function.backoff())
				.isEqualTo(new Backoff(List.of(Duration.ofMillis(10)), Backoff.defaults().jitter())));
		});
	}

	@Test
	void engineTakesThePropertiesThatAreSet() {
		this.runner
			.withPropertyValues("fanout.worker.concurrency=3", "fanout.events.max-payload-size=1KB",
					"fanout.limits.max-steps-per-run=7", "fanout.replay.rate=5", "fanout.retry.backoff=1s,2s",
					"fanout.retry.jitter=0")
			.withUserConfiguration(Greeter.class)
			.run((context) -> {
				FanoutEngine engine = context.getBean(FanoutEngine.class);
				assertThat(engine.settings().concurrency()).isEqualTo(3);
				assertThat(engine.settings().limits().maxPayloadSize()).isEqualTo(1024);
				assertThat(engine.settings().limits().maxStepsPerRun()).isEqualTo(7);
				assertThat(engine.settings().replayRate()).isEqualTo(5);
				assertThat(engine.registry().get("greet"))
					.hasValueSatisfying((function) -> assertThat(function.backoff())
						.isEqualTo(new Backoff(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), 0)));
			});
	}

	@Test
	void failsOnInvalidDefaultBackoffWithoutFunctions() {
		this.runner.withPropertyValues("fanout.retry.jitter=2")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("backoff jitter must be between 0 and 1"));
	}

	@Test
	void passesRetentionToTheEngine() {
		this.runner.withPropertyValues("fanout.retention.completed=2d", "fanout.retention.failed=90d")
			.run((context) -> {
				EngineSettings settings = FanoutAutoConfiguration.settings(context.getBean(FanoutProperties.class),
						context.getEnvironment());
				assertThat(settings.completedRetention()).isEqualTo(Duration.ofDays(2));
				assertThat(settings.failedRetention()).isEqualTo(Duration.ofDays(90));
			});
	}

	@Test
	void retentionDefaultsToAWeekForCompletedAndAMonthForFailedRuns() {
		this.runner.run((context) -> {
			FanoutProperties.Retention retention = context.getBean(FanoutProperties.class).getRetention();
			assertThat(retention.getCompleted()).isEqualTo(Duration.ofDays(7));
			assertThat(retention.getFailed()).isEqualTo(Duration.ofDays(30));
		});
	}

	@Test
	void failsOnRetentionThatIsNotPositive() {
		this.runner.withPropertyValues("fanout.retention.completed=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("fanout.retention.completed must be positive"));
	}

	@Test
	void failsOnInvalidSettings() {
		this.runner.withPropertyValues("fanout.worker.concurrency=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("fanout.worker.concurrency must be at least 1"));
	}

	private static RunInfo awaitFinal(FanoutAdmin admin, String runId) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> admin.run(runId).orElseThrow(), (run) -> run.status().isFinal());
	}

	private static int rowCount(DataSource dataSource, String table) {
		return new JdbcTemplate(dataSource).queryForObject("select count(*) from " + table, Integer.class);
	}

	private static boolean tableExists(DataSource dataSource, String table) {
		return new JdbcTemplate(dataSource).queryForObject(
				"select count(*) from information_schema.tables where table_name = ?", Integer.class, table) == 1;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final EventSender SENDER = (events) -> new SendResult(List.of(), List.of());

		static final PayloadSerializer SERIALIZER = new JacksonPayloadSerializer();

		@Bean
		EventSender userSender() {
			return SENDER;
		}

		@Bean
		PayloadSerializer userSerializer() {
			return SERIALIZER;
		}

	}

	static class Greeter {

		@EventFunction(id = "greet", event = "app/greet")
		String greet(Event event) {
			return "Hello, " + event.data().get("name");
		}

	}

	static class Overlapping {

		final AtomicInteger mostAtOnce = new AtomicInteger();

		private final AtomicInteger running = new AtomicInteger();

		@EventFunction(id = "overlapping", event = "app/overlap")
		void overlap() throws InterruptedException {
			this.mostAtOnce.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			// Long enough for the other runs to start, were they not held back.
			Thread.sleep(50);
			this.running.decrementAndGet();
		}

	}

	static class BadThrottle {

		@EventFunction(id = "bad-throttle", event = "app/greet")
		@Throttle(limit = 2, period = "soon")
		void handle() {
		}

	}

	static class DuplicateGreeter {

		@EventFunction(id = "greet", event = "app/greet")
		String greet() {
			return "Hi";
		}

	}

	static class NoTrigger {

		@EventFunction(id = "no-trigger")
		void handle() {
		}

	}

	static class BadCron {

		@EventFunction(id = "bad-cron", cron = "0 9 * * *")
		void handle() {
		}

	}

	static class UnknownCronZone {

		@EventFunction(id = "unknown-zone", cron = "TZ=Nowhere/City 0 0 9 * * *")
		void handle() {
		}

	}

	static class TwoDataParameters {

		record Signup(String email) {
		}

		record Order(String id) {
		}

		@EventFunction(id = "two-data", event = "app/x")
		void handle(Signup signup, Order order) {
		}

	}

	static class BadFilter {

		@EventFunction(id = "bad-filter", event = "app/x", filter = "event.data.plan ==")
		void handle() {
		}

	}

	static class AlwaysFails {

		@EventFunction(id = "always-fails", event = "app/fail")
		void handle(StepContext step) {
			step.run("boom", () -> {
				throw new IllegalStateException("boom");
			});
		}

	}

	static class TransactionalFunction {

		@Transactional
		@EventFunction(id = "transactional", event = "app/tx")
		public boolean handle() {
			return TransactionSynchronizationManager.isActualTransactionActive();
		}

	}

}
