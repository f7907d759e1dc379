package dev.fanout.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.function.AnnotatedFunctions;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FanoutRunsExtension} passes test methods a {@link FanoutRuns} on the Spring test
 * context's admin.
 */
@SpringJUnitConfig(FanoutRunsExtensionTests.Config.class)
@ExtendWith(FanoutRunsExtension.class)
class FanoutRunsExtensionTests {

	@Autowired
	EventSender sender;

	@Test
	void resolvesFanoutRunsFromTheApplicationContext(FanoutRuns runs) {
		String eventId = this.sender.send(Event.of("app/ping", Map.of())).eventIds().get(0);

		EventRuns ping = runs.awaitEvent(eventId, Map.of("pong", RunStatus.COMPLETED));

		assertThat(runs.output(ping.run("pong"), String.class)).isEqualTo("pong");
	}

	static class PingFunction {

		@EventFunction(id = "pong", event = "app/ping")
		String pong(StepContext step) {
			return step.run("reply", () -> "pong");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean(destroyMethod = "shutdown")
		EmbeddedDatabase dataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
				.generateUniqueName(true)
				.addScript("classpath:dev/fanout/store/jdbc/schema-h2.sql")
				.build();
		}

		@Bean(initMethod = "start", destroyMethod = "stop")
		FanoutEngine fanoutEngine(DataSource dataSource) throws NoSuchMethodException {
			PingFunction function = new PingFunction();
			Backoff backoff = new Backoff(List.of(Duration.ofMillis(10)), 0);
			return FanoutEngine.builder(dataSource, new DataSourceTransactionManager(dataSource))
				.settings(EngineSettings.builder("extension-test").pollInterval(Duration.ofMillis(50)).build())
				.functions(List.of(AnnotatedFunctions.of("pingFunction", function,
						PingFunction.class.getDeclaredMethod("pong", StepContext.class),
						PingFunction.class.getDeclaredMethod("pong", StepContext.class)
							.getAnnotation(EventFunction.class),
						AnnotatedFunctions.Overrides.NONE, backoff, new JacksonPayloadSerializer())))
				.build();
		}

		@Bean
		FanoutAdmin fanoutAdmin(FanoutEngine engine) {
			return engine.admin();
		}

		@Bean
		EventSender eventSender(FanoutEngine engine) {
			return engine.sender();
		}

	}

}
