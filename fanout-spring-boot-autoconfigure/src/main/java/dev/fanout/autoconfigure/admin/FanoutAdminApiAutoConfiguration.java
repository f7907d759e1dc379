package dev.fanout.autoconfigure.admin;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.FanoutAdmin;
import dev.fanout.autoconfigure.FanoutAutoConfiguration;
import dev.fanout.autoconfigure.FanoutProperties;
import dev.fanout.engine.FanoutEngine;

/**
 * The admin API under {@code {fanout.http.base-path}/api}, when
 * {@code fanout.dashboard.enabled=true} in a servlet web application: list runs, read
 * one, cancel it, replay runs, list functions. Access follows {@link AdminAccess}: it
 * fails closed.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = FanoutAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty(name = "fanout.dashboard.enabled")
@ConditionalOnBean({ FanoutAdmin.class, FanoutEngine.class })
public final class FanoutAdminApiAutoConfiguration {

	private static final String SECURITY = "org.springframework.security.web.SecurityFilterChain";

	@Bean
	RouterFunction<ServerResponse> fanoutAdminApi(FanoutAdmin admin, FanoutEngine engine,
			ObjectProvider<JsonMapper> jsonMapper, FanoutProperties properties, ApplicationContext context,
			Environment environment) {
		String api = properties.getHttp().path("/api");
		AdminAccess access = AdminAccess.decide(properties.getHttp().getAdminToken(),
				ClassUtils.isPresent(SECURITY, context.getClassLoader()), environment.getProperty("server.address"),
				api);
		AdminApiHandler handler = new AdminApiHandler(admin, engine,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
		return RouterFunctions.route()
			.path(api,
					(routes) -> routes.GET("/runs", handler::runs)
						.GET("/runs/{runId}", handler::run)
						.POST("/runs/{runId}/cancel", handler::cancel)
						.POST("/replays", handler::replay)
						.GET("/functions", handler::functions))
			.filter((request, next) -> {
				AdminAccess.Refusal refusal = access.check(request);
				if (refusal == null) {
					return next.handle(request);
				}
				ServerResponse.BodyBuilder response = ServerResponse.status(refusal.status());
				if (refusal.status() == HttpStatus.UNAUTHORIZED) {
					response.header("WWW-Authenticate", "Bearer");
				}
				return response.body(Map.of("error", refusal.message(), "status", refusal.status().value()));
			})
			.onError(IllegalArgumentException.class, (error, request) -> AdminApiHandler.badRequest(error))
			.onError(HttpMessageNotReadableException.class, (error, request) -> AdminApiHandler.badRequest(error))
			.build();
	}

}
