package dev.fanout.autoconfigure.dashboard;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The dashboard's own Mustache compiler, reading the templates beside this class: the
 * host application's view resolution never sees them. Every value is HTML-escaped (event
 * payloads are user input); only {@code {{{...}}}} writes raw markup, used for the SVG
 * charts this package draws from numbers.
 */
final class Templates {

	private static final String ROOT = "dev/fanout/autoconfigure/dashboard/";

	private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

	private final Mustache.Compiler compiler = Mustache.compiler()
		.escapeHTML(true)
		.defaultValue("")
		.emptyStringIsFalse(true)
		.zeroIsFalse(true)
		.withLoader(Templates::reader);

	private final Map<String, Template> compiled = new ConcurrentHashMap<>();

	String render(String name, Object context) {
		return this.compiled.computeIfAbsent(name, (key) -> {
			try (Reader reader = reader(key)) {
				return this.compiler.compile(reader);
			}
			catch (Exception ex) {
				throw new IllegalStateException("Cannot read the dashboard template " + key, ex);
			}
		}).execute(context);
	}

	ServerResponse page(String name, Object context) {
		return ServerResponse.ok().contentType(HTML).body(render(name, context));
	}

	static MediaType html() {
		return HTML;
	}

	private static Reader reader(String name) throws java.io.IOException {
		return new InputStreamReader(new ClassPathResource(ROOT + name + ".mustache").getInputStream(),
				StandardCharsets.UTF_8);
	}

}
