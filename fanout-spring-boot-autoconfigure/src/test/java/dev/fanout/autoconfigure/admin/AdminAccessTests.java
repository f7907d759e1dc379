package dev.fanout.autoconfigure.admin;

import java.security.Principal;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.function.ServerRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Who may call the admin API, and how it fails closed: the token when set, else an
 * authenticated principal when Spring Security is present, else only local requests to a
 * server on loopback; otherwise the API refuses to start. Changes need JSON.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminAccessTests {

	private static final String API = "/fanout/api";

	@Test
	void tokenIsRequiredAsBearerTokenWheneverItIsSet() {
		AdminAccess access = AdminAccess.decide("s3cret-token-0123", true, "0.0.0.0", API);
		assertThat(status(access, get("Authorization", "Bearer s3cret-token-0123"))).isNull();
		assertThat(status(access, get("Authorization", "bearer s3cret-token-0123"))).isNull();
		assertThat(status(access, get("Authorization", "Bearer s3cret-token-012"))).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(status(access, get("Authorization", "Bearer s3cret-token-01234")))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(status(access, get("Authorization", "s3cret-token-0123"))).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(status(access, get())).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void withSpringSecurityAndNoTokenOnlyAnAuthenticatedPrincipalIsServed() {
		AdminAccess access = AdminAccess.decide(null, true, "127.0.0.1", API);
		assertThat(status(access, get())).as("no principal, even on loopback").isEqualTo(HttpStatus.UNAUTHORIZED);
		MockHttpServletRequest user = request("GET");
		user.setUserPrincipal(() -> "ops");
		assertThat(status(access, user)).isNull();
		MockHttpServletRequest anonymous = request("GET");
		anonymous.setUserPrincipal(new AnonymousAuthenticationToken());
		assertThat(status(access, anonymous)).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void aLoopbackServerServesLocalRequestsToALoopbackHostName() {
		AdminAccess access = AdminAccess.decide(null, false, "127.0.0.1", API);
		assertThat(AdminAccess.decide(" ", false, "::1", API)).isNotNull();
		assertThat(status(access, get("Host", "localhost:8080"))).isNull();
		assertThat(status(access, get("Host", "127.0.0.1"))).isNull();
		assertThat(status(access, get("Host", "[::1]:8080"))).isNull();
		assertThat(status(access, get("Host", "LOCALHOST"))).isNull();
	}

	@Test
	void aLoopbackServerRefusesOtherHostsRemoteAddressesAndProxiedRequests() {
		AdminAccess access = AdminAccess.decide(null, false, "127.0.0.1", API);
		assertThat(status(access, get("Host", "evil.example:8080"))).as("DNS rebinding")
			.isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(status(access, get("Host", "localhost.evil.example"))).isEqualTo(HttpStatus.FORBIDDEN);
		MockHttpServletRequest remote = request("GET");
		remote.setRemoteAddr("10.0.0.7");
		assertThat(status(access, remote)).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(status(access, get("X-Forwarded-For", "203.0.113.9"))).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(status(access, get("x-forwarded-host", "localhost"))).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(status(access, get("Forwarded", "for=203.0.113.9"))).isEqualTo(HttpStatus.FORBIDDEN);
		MockHttpServletRequest noHost = request("GET");
		noHost.removeHeader("Host");
		assertThat(status(access, noHost)).isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void changesNeedJsonWhateverTheRule() {
		for (AdminAccess access : List.of(AdminAccess.decide(null, false, "127.0.0.1", API),
				AdminAccess.decide("s3cret-token-0123", false, null, API))) {
			MockHttpServletRequest form = post("application/x-www-form-urlencoded");
			MockHttpServletRequest plain = post("text/plain");
			MockHttpServletRequest none = post(null);
			MockHttpServletRequest json = post("application/json; charset=UTF-8");
			for (MockHttpServletRequest request : List.of(form, plain, none, json)) {
				request.addHeader("Authorization", "Bearer s3cret-token-0123");
			}
			assertThat(status(access, form)).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
			assertThat(status(access, plain)).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
			assertThat(status(access, none)).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
			assertThat(status(access, json)).isNull();
		}
	}

	@Test
	void refusesToServeEveryAddressUnprotected() {
		assertThatIllegalStateException().isThrownBy(() -> AdminAccess.decide(null, false, null, "/ops/api"))
			.withMessage("fanout.dashboard.enabled=true would serve the admin API at /ops/api/** to every address "
					+ "without protection (server.address is not set). Set fanout.http.admin-token, add Spring "
					+ "Security with a rule for /ops/api/**, or set server.address to a loopback address");
		assertThatIllegalStateException().isThrownBy(() -> AdminAccess.decide("", false, "0.0.0.0", "/ops/api"))
			.withMessageContaining("(server.address is '0.0.0.0')");
	}

	@Test
	void warnsOfAShortToken(CapturedOutput output) {
		AdminAccess.decide("short-token", false, null, API);
		assertThat(output).contains("fanout.http.admin-token is shorter than 16 characters");
		AdminAccess.decide("a-long-enough-token", false, null, API);
		assertThat(output.toString().split("fanout.http.admin-token is shorter", -1)).hasSize(2);
	}

	private static HttpStatus status(AdminAccess access, MockHttpServletRequest request) {
		AdminAccess.Refusal refusal = access.check(ServerRequest.create(request, List.of()));
		return (refusal != null) ? refusal.status() : null;
	}

	private static MockHttpServletRequest get(String... headers) {
		MockHttpServletRequest request = request("GET");
		for (int i = 0; i < headers.length; i += 2) {
			if (headers[i].equalsIgnoreCase("Host")) {
				request.removeHeader("Host");
			}
			request.addHeader(headers[i], headers[i + 1]);
		}
		return request;
	}

	private static MockHttpServletRequest post(String contentType) {
		MockHttpServletRequest request = request("POST");
		if (contentType != null) {
			request.setContentType(contentType);
		}
		return request;
	}

	private static MockHttpServletRequest request(String method) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, API + "/runs");
		request.setRemoteAddr("127.0.0.1");
		request.addHeader("Host", "localhost:8080");
		return request;
	}

	/** Named as Spring Security's token of an anonymous user. */
	static final class AnonymousAuthenticationToken implements Principal {

		@Override
		public String getName() {
			return "anonymousUser";
		}

	}

}
