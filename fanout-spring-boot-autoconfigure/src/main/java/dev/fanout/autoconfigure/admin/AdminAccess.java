package dev.fanout.autoconfigure.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Who may call the admin API; it fails closed. With a token set, a request must carry it
 * as a bearer token. Without one, when Spring Security is on the classpath, a request
 * must carry an authenticated, non-anonymous principal, whatever the security rules say
 * (a chain that does not cover the API, or permits everything, opens nothing). With
 * neither, the API is served only when the server listens on a loopback address, and then
 * only to requests from a loopback address, addressed to a loopback host name, that did
 * not pass a proxy; on another address the application refuses to start. In every case a
 * request that changes something must be JSON, which a cross-site form cannot send.
 * <p>
 * A browser cannot send a bearer token with a page: with a token, the dashboard's sign-in
 * page sets a cookie holding a MAC of it ({@code HttpOnly}, {@code SameSite=Strict},
 * scoped to the base path), which stands for the token.
 */
final class AdminAccess {

	/** The dashboard's session cookie. */
	static final String SESSION_COOKIE = "fanout_dashboard";

	private static final Logger logger = LoggerFactory.getLogger(AdminAccess.class);

	/** Shorter tokens can be guessed; the API still starts, with a warning. */
	static final int MIN_TOKEN_LENGTH = 16;

	private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

	private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

	private enum Rule {

		TOKEN, PRINCIPAL, LOOPBACK

	}

	private final Rule rule;

	private final byte @Nullable [] token;

	private final @Nullable String session;

	private AdminAccess(Rule rule, byte @Nullable [] token) {
		this.rule = rule;
		this.token = token;
		this.session = (token != null) ? session(token) : null;
	}

	/**
	 * Decide the access rule at startup.
	 * @param token the configured admin token, or {@code null}
	 * @param securityPresent whether Spring Security is on the classpath
	 * @param serverAddress the configured {@code server.address}, or {@code null} for
	 * every address
	 * @param apiPath where the API is served, for the message
	 * @return the rule
	 * @throws IllegalStateException if the API would be open to the network
	 */
	static AdminAccess decide(@Nullable String token, boolean securityPresent, @Nullable String serverAddress,
			String apiPath) {
		if (StringUtils.hasText(token)) {
			if (token.length() < MIN_TOKEN_LENGTH) {
				logger.warn("fanout.http.admin-token is shorter than {} characters: use a long random token",
						MIN_TOKEN_LENGTH);
			}
			return new AdminAccess(Rule.TOKEN, token.getBytes(StandardCharsets.UTF_8));
		}
		if (securityPresent) {
			return new AdminAccess(Rule.PRINCIPAL, null);
		}
		if (isLoopback(serverAddress)) {
			return new AdminAccess(Rule.LOOPBACK, null);
		}
		throw new IllegalStateException("fanout.dashboard.enabled=true would serve the admin API at " + apiPath
				+ "/** to every address without protection (server.address is "
				+ ((serverAddress != null) ? "'" + serverAddress + "'" : "not set") + "). Set fanout.http.admin-token, "
				+ "add Spring Security with a rule for " + apiPath
				+ "/**, or set server.address to a loopback address");
	}

	private static boolean isLoopback(@Nullable String address) {
		if (!StringUtils.hasText(address)) {
			return false;
		}
		try {
			return InetAddress.getByName(address).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	/**
	 * Why a request may not be served.
	 * @param request the request
	 * @return the refusal, or {@code null} to serve it
	 */
	@Nullable Refusal check(ServerRequest request) {
		Refusal refusal = switch (this.rule) {
			case TOKEN -> (hasToken(request.headers().firstHeader("Authorization")) || hasSession(request)) ? null
					: new Refusal(HttpStatus.UNAUTHORIZED, "The admin API needs the admin token as a bearer token");
			case PRINCIPAL ->
				isAuthenticated(request.principal().orElse(null)) ? null : new Refusal(HttpStatus.UNAUTHORIZED,
						"The admin API needs an authenticated user: give it a rule of your Spring Security");
			case LOOPBACK -> isLocal(request) ? null : new Refusal(HttpStatus.FORBIDDEN,
					"The admin API is served only to this machine, at localhost, without a proxy");
		};
		if (refusal == null && !READS.contains(request.method()) && !isJson(request)) {
			return new Refusal(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					"A request that changes something needs Content-Type: application/json");
		}
		return refusal;
	}

	/**
	 * Whether an {@code Authorization} header carries the token, compared in constant
	 * time.
	 */
	private boolean hasToken(@Nullable String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return false;
		}
		return isToken(authorization.substring(7).trim());
	}

	/**
	 * Whether a value is the admin token, compared in constant time.
	 * @param candidate what was given
	 * @return whether a token is set and this is it
	 */
	boolean isToken(String candidate) {
		return this.token != null && MessageDigest.isEqual(this.token, candidate.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The value of the dashboard's session cookie, which stands for the token.
	 * @return the value, or {@code null} without a token
	 */
	@Nullable String session() {
		return this.session;
	}

	private boolean hasSession(ServerRequest request) {
		if (this.session == null) {
			return false;
		}
		List<jakarta.servlet.http.Cookie> cookies = (request.servletRequest().getCookies() != null)
				? List.of(request.servletRequest().getCookies()) : List.of();
		return cookies.stream()
			.anyMatch((cookie) -> SESSION_COOKIE.equals(cookie.getName()) && MessageDigest.isEqual(
					this.session.getBytes(StandardCharsets.UTF_8), cookie.getValue().getBytes(StandardCharsets.UTF_8)));
	}

	/** A MAC of the token: the cookie does not hold the token itself. */
	private static String session(byte[] token) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(token, "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal("fanout dashboard session".getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is missing from this JVM", ex);
		}
	}

	/**
	 * Whether requests are let in by the admin token.
	 * @return whether a token is set
	 */
	boolean usesToken() {
		return this.rule == Rule.TOKEN;
	}

	/**
	 * Spring Security's request wrapper shows no principal for an anonymous user; the
	 * class name check covers a request that no wrapper passed.
	 */
	private static boolean isAuthenticated(@Nullable Principal principal) {
		return principal != null && !principal.getClass().getSimpleName().equals("AnonymousAuthenticationToken");
	}

	/**
	 * A request from this machine to a loopback host name: a page served elsewhere that
	 * rebinds its DNS name to 127.0.0.1 still sends its own name as the host, and a proxy
	 * on this machine adds forwarding headers.
	 */
	private static boolean isLocal(ServerRequest request) {
		String remote = request.servletRequest().getRemoteAddr();
		if (remote == null || !isLoopbackLiteral(remote)) {
			return false;
		}
		for (String header : request.headers().asHttpHeaders().headerNames()) {
			String name = header.toLowerCase(Locale.ROOT);
			if (name.equals("forwarded") || name.startsWith("x-forwarded-")) {
				return false;
			}
		}
		String host = request.headers().firstHeader("Host");
		return host != null && LOOPBACK_HOSTS.contains(hostName(host).toLowerCase(Locale.ROOT));
	}

	private static boolean isLoopbackLiteral(String address) {
		// The remote address is an IP literal: no name is looked up.
		try {
			return InetAddress.getByName(address).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	/** The host of a {@code Host} header, without its port; IPv6 in brackets. */
	static String hostName(String host) {
		String value = host.trim();
		if (value.startsWith("[")) {
			int end = value.indexOf(']');
			return (end > 0) ? value.substring(0, end + 1) : value;
		}
		int colon = value.indexOf(':');
		return (colon >= 0) ? value.substring(0, colon) : value;
	}

	private static boolean isJson(ServerRequest request) {
		try {
			return request.headers()
				.contentType()
				.map((type) -> type.isCompatibleWith(MediaType.APPLICATION_JSON) && !type.isWildcardSubtype())
				.orElse(false);
		}
		catch (RuntimeException ex) {
			// An unparsable Content-Type is not JSON.
			return false;
		}
	}

	/**
	 * Why a request was refused.
	 *
	 * @param status the status to answer with
	 * @param message what the client must do
	 */
	record Refusal(HttpStatus status, String message) {
	}

}
