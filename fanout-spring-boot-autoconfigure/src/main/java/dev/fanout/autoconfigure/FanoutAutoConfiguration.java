package dev.fanout.autoconfigure;

import java.util.Objects;

import javax.sql.DataSource;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.spi.FanoutMetrics;
import dev.fanout.spi.PayloadSerializer;

/**
 * Auto-configuration for fanout: on the application's {@link DataSource}, an
 * {@link EventSender}, a {@link FanoutAdmin}, the worker and the schema. Backs off when
 * {@code fanout.enabled=false} or there is no single {@code DataSource}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class },
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(FanoutEngine.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "fanout.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FanoutProperties.class)
public final class FanoutAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PayloadSerializer fanoutPayloadSerializer(ObjectProvider<JsonMapper> jsonMapper) {
		return new JacksonPayloadSerializer(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean(FanoutDataSourceScriptDatabaseInitializer.class)
	FanoutDataSourceScriptDatabaseInitializer fanoutDataSourceScriptDatabaseInitializer(DataSource dataSource,
			FanoutProperties properties) {
		return new FanoutDataSourceScriptDatabaseInitializer(dataSource, properties.getJdbc());
	}

	@Bean(destroyMethod = "stop")
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	FanoutEngine fanoutEngine(DataSource dataSource, ObjectProvider<PlatformTransactionManager> transactionManager,
			PayloadSerializer serializer, FanoutProperties properties, Environment environment,
			ObjectProvider<FanoutMetrics> metrics, ObjectProvider<ObservationRegistry> observations) {
		PlatformTransactionManager transactions = transactionManager
			.getIfUnique(() -> new JdbcTransactionManager(dataSource));
		return FanoutEngine.builder(dataSource, transactions)
			.settings(settings(properties, environment))
			.serializer(serializer)
			.metrics(metrics.getIfUnique(() -> FanoutMetrics.NONE))
			.observationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP))
			.build();
	}

	@Bean
	EventFunctionScanner fanoutEventFunctionScanner(ConfigurableListableBeanFactory beanFactory, FanoutEngine engine,
			FanoutProperties properties, PayloadSerializer serializer) {
		return new EventFunctionScanner(beanFactory, engine, properties, serializer);
	}

	@Bean
	@ConditionalOnMissingBean
	EventSender fanoutEventSender(FanoutEngine engine) {
		return engine.sender();
	}

	@Bean
	@ConditionalOnMissingBean
	FanoutAdmin fanoutAdmin(FanoutEngine engine) {
		return engine.admin();
	}

	@Bean
	FanoutEngineLifecycle fanoutEngineLifecycle(FanoutEngine engine) {
		return new FanoutEngineLifecycle(engine);
	}

	/**
	 * This application's id: {@code fanout.app-id}, else {@code spring.application.name}.
	 * @param properties the properties
	 * @param environment the environment, for the application name
	 * @return the id
	 */
	public static String appId(FanoutProperties properties, Environment environment) {
		String appId = StringUtils.hasText(properties.getAppId()) ? properties.getAppId()
				: environment.getProperty("spring.application.name", "application");
		return Objects.requireNonNull(appId);
	}

	/**
	 * The engine settings the properties ask for. Each property is mapped onto the
	 * settings builder, so the engine's defaults stay the one source of default values:
	 * the properties start from them.
	 * @param properties the properties
	 * @param environment the environment, for the application name
	 * @return the settings
	 */
	static EngineSettings settings(FanoutProperties properties, Environment environment) {
		EngineSettings.Builder settings = EngineSettings.builder(appId(properties, environment));
		PropertyMapper map = PropertyMapper.get();
		FanoutProperties.Worker worker = properties.getWorker();
		map.from(worker::isEnabled).to(settings::workerEnabled);
		map.from(worker::getConcurrency).to(settings::concurrency);
		map.from(worker::getPollInterval).to(settings::pollInterval);
		map.from(worker::getLeaseDuration).to(settings::leaseDuration);
		map.from(worker::getShutdownTimeout).to(settings::shutdownTimeout);
		FanoutProperties.Events events = properties.getEvents();
		map.from(events::getDedupWindow).to(settings::dedupWindow);
		map.from(events::getMaxPayloadSize).as(DataSize::toBytes).to(settings::maxPayloadSize);
		map.from(events::getMaxBatchSize).to(settings::maxEventsPerSend);
		FanoutProperties.Limits limits = properties.getLimits();
		map.from(limits::getMaxStepOutputSize).as(DataSize::toBytes).to(settings::maxStepOutputSize);
		map.from(limits::getMaxRunOutputSize).as(DataSize::toBytes).to(settings::maxRunOutputSize);
		map.from(limits::getMaxStepsPerRun).to(settings::maxStepsPerRun);
		map.from(limits::getMaxEventNameLength).to(settings::maxEventNameLength);
		FanoutProperties.Retention retention = properties.getRetention();
		map.from(retention::getCompleted).to(settings::completedRetention);
		map.from(retention::getFailed).to(settings::failedRetention);
		map.from(properties.getJdbc()::getTablePrefix).to(settings::tablePrefix);
		map.from(properties.getReplay()::getRate).to(settings::replayRate);
		map.from(properties.getReplay()::getMaxRuns).to(settings::replayMaxRuns);
		return settings.build();
	}

}
