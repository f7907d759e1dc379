package dev.fanout.autoconfigure.http;

import java.util.List;
import java.util.function.Function;

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

import dev.fanout.Event;
import dev.fanout.EventSender;
import dev.fanout.SendResult;
import dev.fanout.autoconfigure.FanoutAutoConfiguration;
import dev.fanout.autoconfigure.FanoutProperties;
import dev.fanout.engine.sending.StoreEventSender;

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

	/**
	 * The engine's sender counts these events as sent over HTTP; another sends them as it
	 * does.
	 */
	private static Function<List<Event>, SendResult> fromHttp(EventSender sender) {
		if (sender instanceof StoreEventSender engine) {
			return (events) -> engine.sendAll(events, "http");
		}
		return sender::sendAll;
	}

	@Bean
	RouterFunction<ServerResponse> fanoutEventApiRoutes(EventSender sender, FanoutProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		JsonMapper mapper = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
		FanoutProperties.Events events = properties.getEvents();
		EventApiHandler handler = new EventApiHandler(new EventKeys(properties.getHttp().getEventKeys()),
				new EventRequestReader(mapper, events.getMaxBatchSize()), fromHttp(sender), mapper,
				EventApiHandler.maxBodySize(events.getMaxPayloadSize().toBytes()));
		FanoutProperties.Http http = properties.getHttp();
		return RouterFunctions.route()
			.POST(http.path("/e/{eventKey}"), handler::send)
			.POST(http.path("/e"), handler::missingKey)
			.POST(http.path("/e/"), handler::missingKey)
			.build();
	}

}
