package dev.fanout.autoconfigure.remote;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.engine.remote.RemoteApps;

/**
 * {@code POST /fn/register}, where an SDK app posts its functions when asked to sync out
 * of band. The SDKs post to the root of their base URL, whatever its path, so this is
 * served at the root. Only an app whose bearer token comes from a configured signing key
 * is heard.
 */
final class RegistrationHandler {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final RemoteApps apps;

	RegistrationHandler(RemoteApps apps) {
		this.apps = apps;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().POST("/fn/register", this::register).build();
	}

	private ServerResponse register(ServerRequest request) throws Exception {
		JsonNode body;
		try {
			body = JSON.readTree(request.body(byte[].class));
		}
		catch (JacksonException ex) {
			return error(HttpStatus.BAD_REQUEST, "The registration is not JSON: " + ex.getOriginalMessage());
		}
		RemoteApps.Sync sync;
		try {
			sync = this.apps.register(request.headers().firstHeader("Authorization"), body);
		}
		catch (SecurityException ex) {
			return error(HttpStatus.UNAUTHORIZED, ex.getMessage());
		}
		if (sync.error() != null) {
			return error(HttpStatus.BAD_REQUEST, sync.error());
		}
		return ServerResponse.ok().body(Map.of("ok", true, "modified", true));
	}

	private static ServerResponse error(HttpStatus status, String message) {
		return ServerResponse.status(status).body(Map.of("ok", false, "error", message, "status", status.value()));
	}

}
