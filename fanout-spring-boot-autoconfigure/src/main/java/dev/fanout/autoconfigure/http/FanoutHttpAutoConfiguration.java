package dev.fanout.autoconfigure.http;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.EventSender;
import dev.fanout.autoconfigure.FanoutAutoConfiguration;
import dev.fanout.autoconfigure.FanoutProperties;

/**
 * Auto-configuration of the HTTP event API, {@code POST {fanout.http.base-path}/e/{key}},
 * in a servlet web application once {@code fanout.http.event-keys} holds a key; until
 * then the path is not mapped (404).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = FanoutAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty(name = "fanout.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(EventSender.class)
@Conditional(OnEventKeysCondition.class)
@EnableConfigurationProperties(FanoutProperties.class)
public final class FanoutHttpAutoConfiguration {

	@Bean
	RouterFunction<ServerResponse> fanoutEventApiRoutes(EventSender sender, FanoutProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		JsonMapper mapper = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
		FanoutProperties.Events events = properties.getEvents();
		EventApiHandler handler = new EventApiHandler(new EventKeys(properties.getHttp().getEventKeys()),
				new EventRequestReader(mapper, events.getMaxBatchSize()), sender::sendAll, mapper,
				EventApiHandler.maxBodySize(events.getMaxPayloadSize().toBytes()));
		FanoutProperties.Http http = properties.getHttp();
		return RouterFunctions.route()
			.POST(http.path("/e/{eventKey}"), handler::send)
			.POST(http.path("/e"), handler::missingKey)
			.POST(http.path("/e/"), handler::missingKey)
			.build();
	}

}
