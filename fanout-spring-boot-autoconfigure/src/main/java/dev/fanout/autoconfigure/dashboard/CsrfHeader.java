package dev.fanout.autoconfigure.dashboard;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * The CSRF header Spring Security expects, when it is there: the pages send it with every
 * action, so a host application's CSRF protection keeps working and needs no exception
 * for the dashboard. Read through the {@code CsrfToken} interface, so Spring Security
 * stays optional.
 *
 * @param header the header's name
 * @param token its value
 */
record CsrfHeader(String header, String token) {

	private static final String TOKEN_TYPE = "org.springframework.security.web.csrf.CsrfToken";

	static @Nullable CsrfHeader of(ServerRequest request) {
		Object token = request.attribute("_csrf").orElse(null);
		if (token == null || !ClassUtils.isPresent(TOKEN_TYPE, CsrfHeader.class.getClassLoader())) {
			return null;
		}
		try {
			Class<?> type = ClassUtils.forName(TOKEN_TYPE, CsrfHeader.class.getClassLoader());
			if (!type.isInstance(token)) {
				return null;
			}
			Method header = type.getMethod("getHeaderName");
			Method value = type.getMethod("getToken");
			return new CsrfHeader((String) header.invoke(token), (String) value.invoke(token));
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

}
