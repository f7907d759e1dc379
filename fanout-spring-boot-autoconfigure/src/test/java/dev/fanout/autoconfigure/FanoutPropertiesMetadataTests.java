package dev.fanout.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs read states the defaults {@link FanoutProperties}
 * starts from. Most of them come from the engine's settings, which the annotation
 * processor cannot read, so {@code additional-spring-configuration-metadata.json} repeats
 * them: these tests fail when a default changes in the engine and not there.
 */
class FanoutPropertiesMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	@Test
	void documentedDefaultsAreTheDefaultsThePropertiesStartFrom() throws IOException {
		Map<String, String> defaults = new LinkedHashMap<>();
		fanoutProperties().forEach((name, property) -> {
			JsonNode value = property.get("defaultValue");
			if (value != null) {
				defaults.put(name,
						value.isArray()
								? value.values().stream().map(JsonNode::asString).collect(Collectors.joining(","))
								: value.asString());
			}
		});
		FanoutProperties documented = new Binder(new MapConfigurationPropertySource(defaults))
			.bind("fanout", FanoutProperties.class)
			.get();
		assertThat(documented).as("the defaults of additional-spring-configuration-metadata.json")
			.usingRecursiveComparison()
			.isEqualTo(new FanoutProperties());
	}

	@Test
	void everyPropertyWithADefaultDocumentsIt() throws IOException {
		Set<String> withoutDefault = fanoutProperties().entrySet()
			.stream()
			.filter((property) -> property.getValue().get("defaultValue") == null)
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
		assertThat(withoutDefault).containsExactlyInAnyOrder("fanout.app-id", "fanout.functions",
				"fanout.http.admin-token", "fanout.http.event-keys", "fanout.jdbc.platform", "fanout.remote.apps");
	}

	private static Map<String, JsonNode> fanoutProperties() throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		// Every Spring Boot jar has a metadata file of its own; fanout's are the ones
		// that
		// matter.
		for (URL url : Collections.list(FanoutProperties.class.getClassLoader().getResources(METADATA))) {
			try (InputStream content = url.openStream()) {
				for (JsonNode property : mapper.readTree(content).path("properties")) {
					String name = property.get("name").asString();
					if (name.startsWith("fanout.")) {
						properties.put(name, property);
					}
				}
			}
		}
		assertThat(properties).as("fanout's generated configuration metadata").isNotEmpty();
		return properties;
	}

}
