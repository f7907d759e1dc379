package dev.fanout.autoconfigure.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The dashboard's style sheet, script and htmx, served from the jars under the
 * dashboard's own path: never from a CDN, and without the host application's resource
 * handling.
 */
final class DashboardAssets {

	private static final String HTMX_POM = "META-INF/maven/org.webjars.npm/htmx.org/pom.properties";

	private final Map<String, Resource> assets;

	DashboardAssets() {
		String own = "dev/fanout/autoconfigure/dashboard/";
		this.assets = Map.of("dashboard.css", new ClassPathResource(own + "dashboard.css"), "dashboard.js",
				new ClassPathResource(own + "dashboard.js"), "htmx.min.js",
				new ClassPathResource("META-INF/resources/webjars/htmx.org/" + htmxVersion() + "/dist/htmx.min.js"));
	}

	ServerResponse asset(ServerRequest request) {
		String name = request.pathVariable("name");
		Resource asset = this.assets.get(name);
		if (asset == null || !asset.exists()) {
			return ServerResponse.notFound().build();
		}
		MediaType type = name.endsWith(".css") ? new MediaType("text", "css") : new MediaType("text", "javascript");
		return ServerResponse.ok().contentType(type).cacheControl(CacheControl.maxAge(Duration.ofHours(1))).body(asset);
	}

	private static String htmxVersion() {
		try (InputStream in = new ClassPathResource(HTMX_POM).getInputStream()) {
			Properties pom = new Properties();
			pom.load(in);
			return pom.getProperty("version");
		}
		catch (IOException ex) {
			throw new IllegalStateException("The dashboard needs htmx (org.webjars.npm:htmx.org) on the classpath", ex);
		}
	}

}
