package dev.fanout.autoconfigure.dashboard;

import java.time.Clock;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.FanoutAdmin;
import dev.fanout.autoconfigure.dashboard.DashboardPages.Message;

/**
 * The dashboard under the base path: its pages and actions, which the caller protects as
 * it protects the admin API, and its assets and sign-in page, which are open.
 *
 * @since 0.1.0
 */
public final class DashboardRoutes {

	private final String base;

	private final DashboardPages pages;

	private final DashboardActions actions;

	private final DashboardAssets assets = new DashboardAssets();

	private final @Nullable DashboardLogin login;

	private final Templates templates = new Templates();

	/**
	 * Create the dashboard.
	 * @param base the base path, such as {@code /fanout}
	 * @param admin the admin operations
	 * @param appId this application's id
	 * @param json reads and writes JSON
	 * @param signIn how to sign in with the admin token, or {@code null} without one
	 */
	public DashboardRoutes(String base, FanoutAdmin admin, String appId, JsonMapper json, @Nullable SignIn signIn) {
		Clock clock = Clock.systemUTC();
		this.base = base;
		this.pages = new DashboardPages(admin, appId, base, this.templates, new Views(json), clock);
		this.actions = new DashboardActions(admin, this.pages, this.templates, json, clock);
		this.login = (signIn != null) ? new DashboardLogin(base, signIn, this.templates) : null;
	}

	/**
	 * The pages and actions, to protect.
	 * @return the routes
	 */
	public RouterFunction<ServerResponse> protectedRoutes() {
		return RouterFunctions.route()
			.GET(this.base, this.pages::home)
			.GET(this.base + "/", this.pages::home)
			.path(this.base,
					(routes) -> routes.GET("/runs", this.pages::runs)
						.GET("/runs/rows", this.pages::runsRows)
						.GET("/runs/{runId}", this.pages::run)
						.GET("/runs/{runId}/body", this.pages::runBody)
						.POST("/runs/{runId}/cancel", this.actions::cancelRun)
						.POST("/runs/{runId}/replay", this.actions::replayRun)
						.GET("/events/{eventId}", this.pages::event)
						.GET("/events/{eventId}/rows", this.pages::eventRows)
						.GET("/functions", this.pages::functions)
						.GET("/functions/rows", this.pages::functionsRows)
						.POST("/functions/{functionId}/pause", this.actions::pause)
						.POST("/functions/{functionId}/resume", this.actions::resume)
						.GET("/bulk/preview", this.actions::preview)
						.GET("/bulk/dismiss", this.actions::dismiss)
						.POST("/bulk/replay", this.actions::replayAll)
						.POST("/bulk/cancel", this.actions::cancelAll)
						.POST("/bulk/progress", this.actions::followProgress))
			.onError(IllegalArgumentException.class, this::badRequest)
			.onError(HttpMessageNotReadableException.class, this::badRequest)
			.build();
	}

	/**
	 * The assets and the sign-in page, open to all: they show nothing of the runs.
	 * @return the routes
	 */
	public RouterFunction<ServerResponse> openRoutes() {
		RouterFunctions.Builder routes = RouterFunctions.route().GET(this.base + "/assets/{name}", this.assets::asset);
		if (this.login != null) {
			routes.GET(this.base + "/login", this.login::form).POST(this.base + "/login", this.login::submit);
		}
		return routes.build();
	}

	/**
	 * A refused request to the dashboard, as a page: to the sign-in page when the admin
	 * token would let it in, else the reason.
	 * @param request the request
	 * @param status the refusal's status
	 * @param message why
	 * @return the response
	 */
	public ServerResponse refuse(ServerRequest request, HttpStatus status, String message) {
		if (this.login != null && request.method().name().equals("GET") && !isHtmx(request)) {
			return ServerResponse.status(HttpStatus.SEE_OTHER).header("Location", this.base + "/login").build();
		}
		return this.pages.error(request, status, message);
	}

	/**
	 * A bad parameter: a page saying so, or, for an action, a notice shown above the page
	 * (htmx swaps only successful answers).
	 */
	private ServerResponse badRequest(Throwable error, ServerRequest request) {
		String message = String.valueOf(error.getMessage());
		if (isHtmx(request)) {
			return ServerResponse.ok()
				.contentType(Templates.html())
				.header("HX-Retarget", "#flash")
				.header("HX-Reswap", "innerHTML")
				.body(this.templates.render("notice", Map.of("message", new Message(message, true))));
		}
		return this.pages.error(request, HttpStatus.BAD_REQUEST, message);
	}

	private static boolean isHtmx(ServerRequest request) {
		return "true".equals(request.headers().firstHeader("HX-Request"));
	}

	/**
	 * Signing in with the admin token.
	 *
	 * @param accepts whether a value is the token, compared in constant time
	 * @param cookie the session cookie's name
	 * @param session the session cookie's value
	 */
	public record SignIn(Predicate<String> accepts, String cookie, String session) {
	}

}
