package dev.fanout.autoconfigure.http;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.function.RouterFunction;

import dev.fanout.autoconfigure.FanoutAutoConfiguration;
import dev.fanout.autoconfigure.FanoutProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FanoutHttpAutoConfiguration}: when the event API is mapped, and the
 * base path it is mapped under.
 */
class FanoutHttpAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
			FanoutAutoConfiguration.class, FanoutHttpAutoConfiguration.class);

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	@Test
	void mapsTheEventApiOnceAKeyIsConfigured() {
		this.runner.withPropertyValues("fanout.http.event-keys=k1")
			.run((context) -> assertThat(context).hasSingleBean(RouterFunction.class));
	}

	@Test
	void readsSeveralKeysAsAYamlListWould() {
		this.runner.withPropertyValues("fanout.http.event-keys[0]=", "fanout.http.event-keys[1]=k2")
			.run((context) -> assertThat(context).hasSingleBean(RouterFunction.class));
	}

	@Test
	void backsOffWithoutAKey() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RouterFunction.class));
	}

	@Test
	void backsOffWhenFanoutIsDisabled() {
		this.runner.withPropertyValues("fanout.http.event-keys=k1", "fanout.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RouterFunction.class));
	}

	@Test
	void backsOffOutsideAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
					"fanout.http.event-keys=k1")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RouterFunction.class));
	}

	@Test
	void basePathGetsALeadingSlashAndLosesTrailingOnes() {
		assertThat(eventPath("/fanout")).isEqualTo("/fanout/e");
		assertThat(eventPath("fanout/")).isEqualTo("/fanout/e");
		assertThat(eventPath(" /api/events// ")).isEqualTo("/api/events/e");
		assertThat(eventPath("/")).isEqualTo("/e");
		assertThat(eventPath("")).isEqualTo("/e");
	}

	private static String eventPath(String basePath) {
		FanoutProperties.Http http = new FanoutProperties.Http();
		http.setBasePath(basePath);
		return http.path("/e");
	}

}
