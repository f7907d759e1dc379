package dev.fanout.autoconfigure.dashboard;

import java.util.Map;
import java.util.function.Predicate;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Signing in to the dashboard with the admin token, which a browser cannot send as a
 * bearer token: a right token sets the session cookie the admin access accepts.
 */
final class DashboardLogin {

	private final String base;

	private final DashboardRoutes.SignIn signIn;

	private final Templates templates;

	DashboardLogin(String base, DashboardRoutes.SignIn signIn, Templates templates) {
		this.base = base;
		this.signIn = signIn;
		this.templates = templates;
	}

	ServerResponse form(ServerRequest request) {
		return page(HttpStatus.OK, null);
	}

	ServerResponse submit(ServerRequest request) throws Exception {
		MultiValueMap<String, String> form = request.params();
		String token = form.getFirst("token");
		Predicate<String> accepts = this.signIn.accepts();
		if (token == null || !accepts.test(token)) {
			return page(HttpStatus.UNAUTHORIZED, "That is not the admin token.");
		}
		ResponseCookie cookie = ResponseCookie.from(this.signIn.cookie(), this.signIn.session())
			.httpOnly(true)
			.sameSite("Strict")
			.secure(request.servletRequest().isSecure())
			.path(this.base)
			.build();
		return ServerResponse.status(HttpStatus.SEE_OTHER)
			.header("Location", this.base + "/runs")
			.header("Set-Cookie", cookie.toString())
			.build();
	}

	private ServerResponse page(HttpStatus status, String error) {
		Map<String, Object> model = new java.util.HashMap<>();
		model.put("base", this.base);
		model.put("title", "Sign in");
		model.put("appId", "");
		model.put("error", error);
		return ServerResponse.status(status).contentType(Templates.html()).body(this.templates.render("login", model));
	}

}
