package dev.fanout.autoconfigure.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.jspecify.annotations.Nullable;
import org.springframework.util.StringUtils;

/**
 * Who may call the admin API. With a token set, a request must carry it as a bearer
 * token. Without one, the application's Spring Security (when present) is in charge; with
 * neither, the API is served only when the server listens on a loopback address, and
 * otherwise refuses to start, so it is never left open by accident.
 */
final class AdminAccess {

	private final byte @Nullable [] token;

	private AdminAccess(byte @Nullable [] token) {
		this.token = token;
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
			return new AdminAccess(token.getBytes(StandardCharsets.UTF_8));
		}
		if (securityPresent || isLoopback(serverAddress)) {
			return new AdminAccess(null);
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

	boolean requiresToken() {
		return this.token != null;
	}

	/**
	 * Whether an {@code Authorization} header carries the token, compared in constant
	 * time.
	 * @param authorization the header, or {@code null}
	 * @return whether the request may go on
	 */
	boolean allows(@Nullable String authorization) {
		if (this.token == null) {
			return true;
		}
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return false;
		}
		return MessageDigest.isEqual(this.token, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
	}

}
