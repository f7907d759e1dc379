package dev.fanout.autoconfigure.remote;

import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import dev.fanout.autoconfigure.FanoutAutoConfiguration;
import dev.fanout.autoconfigure.FanoutProperties;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.remote.RemoteApp;
import dev.fanout.engine.remote.RemoteApps;
import dev.fanout.engine.remote.RemoteCaller;
import dev.fanout.engine.remote.SigningKey;
import dev.fanout.spi.FanoutMetrics;
import dev.fanout.spi.PayloadSerializer;

/**
 * Runs the functions of the applications listed under {@code fanout.remote.apps}, written
 * with an Inngest SDK: syncs them when the application starts, and serves
 * {@code POST /fn/register} when {@code fanout.remote.registration.enabled=true}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = FanoutAutoConfiguration.class)
@ConditionalOnBean(FanoutEngine.class)
@ConditionalOnProperty(prefix = "fanout.remote.apps[0]", name = "url")
public final class FanoutRemoteAutoConfiguration {

	@Bean
	RemoteApps fanoutRemoteApps(FanoutEngine engine, DataSource dataSource,
			ObjectProvider<PlatformTransactionManager> transactionManager, PayloadSerializer serializer,
			FanoutProperties properties, ObjectProvider<FanoutMetrics> metrics,
			ObjectProvider<ObservationRegistry> observations) {
		PlatformTransactionManager transactions = transactionManager
			.getIfUnique(() -> new JdbcTransactionManager(dataSource));
		List<RemoteApp> apps = properties.getRemote()
			.getApps()
			.stream()
			.map(FanoutRemoteAutoConfiguration::app)
			.toList();
		return new RemoteApps(apps, engine.settings().appId(), new RemoteCaller(Clock.systemUTC()),
				engine.settings().limits(),
				new Backoff(properties.getRetry().getBackoff(), properties.getRetry().getJitter()),
				(appId, functions) -> {
					FanoutEngine remote = FanoutEngine.builder(dataSource, transactions)
						.settings(engine.settings().toBuilder().appId(appId).build())
						.serializer(serializer)
						.metrics(metrics.getIfUnique(() -> FanoutMetrics.NONE))
						.observationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP))
						.functions(functions)
						.build();
					remote.start();
					return remote::stop;
				});
	}

	@Bean
	RemoteAppsLifecycle fanoutRemoteAppsLifecycle(RemoteApps apps, FanoutProperties properties) {
		return new RemoteAppsLifecycle(apps, properties.getRemote().getApps());
	}

	private static RemoteApp app(FanoutProperties.Remote.App app) {
		if (app.getUrl() == null) {
			throw new IllegalArgumentException("Every fanout.remote.apps entry needs a url");
		}
		try {
			return new RemoteApp(app.getUrl(), (app.getSigningKey() != null && !app.getSigningKey().isBlank())
					? SigningKey.of(app.getSigningKey()) : null, app.getCallTimeout());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("fanout.remote.apps entry " + app.getUrl() + ": " + ex.getMessage(), ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(RouterFunction.class)
	@ConditionalOnBooleanProperty(name = "fanout.remote.registration.enabled")
	static class Registration {

		@Bean
		RouterFunction<ServerResponse> fanoutRemoteRegistration(RemoteApps apps) {
			return new RegistrationHandler(apps).routes();
		}

	}

}
