package dev.fanout.test;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.FanoutAdmin;
import dev.fanout.SendResult;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.function.AnnotatedFunctions;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;

/**
 * A real fanout engine on a fresh in-memory H2 database, with short backoff and polling,
 * for the tests that compare the tester with the engine and those of {@link FanoutRuns}.
 */
final class H2Engine implements AutoCloseable {

	private final EmbeddedDatabase database;

	private final FanoutEngine engine;

	private H2Engine(EmbeddedDatabase database, FanoutEngine engine) {
		this.database = database;
		this.engine = engine;
	}

	/**
	 * Start an engine running the {@link EventFunction} methods of the given beans.
	 */
	static H2Engine start(Object... beans) {
		EmbeddedDatabase database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
			.generateUniqueName(true)
			.addScript("classpath:dev/fanout/store/jdbc/schema-h2.sql")
			.build();
		Backoff backoff = new Backoff(List.of(Duration.ofMillis(10)), 0);
		EngineSettings settings = EngineSettings.builder("fanout-test")
			.pollInterval(Duration.ofMillis(50))
			.shutdownTimeout(Duration.ofSeconds(5))
			.build();
		FanoutEngine engine = FanoutEngine.builder(database, new DataSourceTransactionManager(database))
			.settings(settings)
			.functions(definitions(backoff, beans))
			.build();
		engine.start();
		return new H2Engine(database, engine);
	}

	private static List<FunctionDefinition> definitions(Backoff backoff, Object... beans) {
		List<FunctionDefinition> definitions = new ArrayList<>();
		for (Object bean : beans) {
			Map<Method, EventFunction> methods = MethodIntrospector.selectMethods(bean.getClass(),
					(MethodIntrospector.MetadataLookup<EventFunction>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, EventFunction.class));
			methods.forEach((method, annotation) -> definitions
				.add(AnnotatedFunctions.of(bean.getClass().getSimpleName(), bean, method, annotation,
						AnnotatedFunctions.Overrides.NONE, backoff, new JacksonPayloadSerializer())));
		}
		return definitions;
	}

	FanoutAdmin admin() {
		return this.engine.admin();
	}

	SendResult send(Event event) {
		return this.engine.sender().send(event);
	}

	SendResult sendAll(List<Event> events) {
		return this.engine.sender().sendAll(events);
	}

	@Override
	public void close() {
		this.engine.stop();
		this.database.shutdown();
	}

}
