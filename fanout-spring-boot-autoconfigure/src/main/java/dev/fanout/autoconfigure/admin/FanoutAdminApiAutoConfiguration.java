package dev.fanout.autoconfigure.admin;

import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import dev.fanout.autoconfigure.dashboard.DashboardRoutes;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.remote.RemoteApps;

/**
 * The admin API under {@code {fanout.http.base-path}/api} and the dashboard under
 * {@code {fanout.http.base-path}}, when {@code fanout.dashboard.enabled=true} in a
 * servlet web application. Access to both follows {@link AdminAccess}: it fails closed.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = FanoutAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty(name = "fanout.dashboard.enabled")
@ConditionalOnBean({ FanoutAdmin.class, FanoutEngine.class })
public final class FanoutAdminApiAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(FanoutAdminApiAutoConfiguration.class);

	private static final String SECURITY = "org.springframework.security.web.SecurityFilterChain";

	private static final String MUSTACHE = "com.samskivert.mustache.Mustache";

	@Bean
	RouterFunction<ServerResponse> fanoutAdminApi(FanoutAdmin admin, FanoutEngine engine,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<RemoteApps> remoteApps, FanoutProperties properties,
			ApplicationContext context, Environment environment) {
		String api = properties.getHttp().path("/api");
		AdminAccess access = AdminAccess.decide(properties.getHttp().getAdminToken(),
				ClassUtils.isPresent(SECURITY, context.getClassLoader()), environment.getProperty("server.address"),
				api);
		JsonMapper json = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
		String appId = engine.settings().appId();
		AdminApiHandler handler = new AdminApiHandler(admin, appId, json, remoteApps.getIfAvailable());
		RouterFunction<ServerResponse> routes = RouterFunctions.route()
			.path(api,
					(builder) -> builder.GET("/runs", handler::runs)
						.GET("/runs/{runId}", handler::run)
						.POST("/runs/{runId}/cancel", handler::cancel)
						.POST("/cancellations", handler::cancelAll)
						.GET("/cancellations/preview", handler::cancelPreview)
						.POST("/replays", handler::replay)
						.GET("/replays/preview", handler::replayPreview)
						.GET("/events/{eventId}", handler::event)
						.GET("/functions", handler::functions)
						.POST("/functions/{functionId}/pause", handler::pause)
						.POST("/functions/{functionId}/resume", handler::resume)
						.POST("/apps/sync", handler::syncApps))
			.filter((request, next) -> {
				AdminAccess.Refusal refusal = access.check(request);
				return (refusal != null) ? refusal(refusal) : next.handle(request);
			})
			.onError(IllegalArgumentException.class, (error, request) -> AdminApiHandler.badRequest(error))
			.onError(HttpMessageNotReadableException.class, (error, request) -> AdminApiHandler.badRequest(error))
			.build();
		if (!ClassUtils.isPresent(MUSTACHE, context.getClassLoader())) {
			logger.warn("The fanout dashboard needs com.samskivert:jmustache and org.webjars.npm:htmx.org, "
					+ "which fanout-spring-boot-starter brings: only the admin API is served");
			return routes;
		}
		DashboardRoutes dashboard = new DashboardRoutes(properties.getHttp().path(""), admin, appId, json,
				access.usesToken() ? new DashboardRoutes.SignIn(access::isToken, AdminAccess.SESSION_COOKIE,
						Objects.requireNonNull(access.session())) : null);
		return routes.and(dashboard.openRoutes()).and(dashboard.protectedRoutes().filter((request, next) -> {
			AdminAccess.Refusal refusal = access.check(request);
			return (refusal != null) ? dashboard.refuse(request, refusal.status(), refusal.message())
					: next.handle(request);
		}));
	}

	private static ServerResponse refusal(AdminAccess.Refusal refusal) {
		ServerResponse.BodyBuilder response = ServerResponse.status(refusal.status());
		if (refusal.status() == HttpStatus.UNAUTHORIZED) {
			response.header("WWW-Authenticate", "Bearer");
		}
		return response.body(Map.of("error", refusal.message(), "status", refusal.status().value()));
	}

}
