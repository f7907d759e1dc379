package dev.fanout.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.spi.PayloadSerializer;

/**
 * A JUnit extension that hands out fresh databases and started engines, and stops and
 * drops them after each test. Register it on a field:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * final EngineFixture fixture = new EngineFixture();
 *
 * &#64;ParameterizedTest
 * &#64;EnumSource(TestDatabase.class)
 * void sendsWelcomeEmail(TestDatabase database) {
 *     TestEngine engine = fixture.start(database, new WelcomeEmail());
 *     ...
 * }
 * </pre>
 */
public final class EngineFixture implements AfterEachCallback {

	/**
	 * The functions' backoff unless a test gives one: 10 ms without jitter.
	 */
	public static final Backoff BACKOFF = new Backoff(List.of(Duration.ofMillis(10)), 0);

	private final Deque<AutoCloseable> resources = new ArrayDeque<>();

	/**
	 * Settings for fast tests, of the application {@code test}. Derive changed ones with
	 * {@link EngineSettings#toBuilder()}.
	 * @return the settings
	 * @see #settings(String)
	 */
	public static EngineSettings settings() {
		return settings("test");
	}

	/**
	 * Settings for fast tests: a 50 ms poll interval, 8 threads, a 5 s lease and a 2 s
	 * shutdown timeout.
	 * @param appId the application id
	 * @return the settings
	 */
	public static EngineSettings settings(String appId) {
		return EngineSettings.builder(appId)
			.concurrency(8)
			.pollInterval(Duration.ofMillis(50))
			.leaseDuration(Duration.ofSeconds(5))
			.shutdownTimeout(Duration.ofSeconds(2))
			.build();
	}

	/**
	 * A new database with fanout's schema, dropped after the test.
	 * @param kind the kind of database
	 * @return the database
	 */
	public FreshDatabase database(TestDatabase kind) {
		FreshDatabase database = kind.create();
		this.resources.push(database);
		return database.createSchema();
	}

	/**
	 * Start an engine with {@link #settings()} and {@link #BACKOFF} on a new database.
	 * @param kind the kind of database
	 * @param beans the beans whose {@code @EventFunction} methods are the functions
	 * @return the started engine
	 */
	public TestEngine start(TestDatabase kind, Object... beans) {
		return start(database(kind), settings(), beans);
	}

	/**
	 * Start an engine on a database, its functions with {@link #BACKOFF}.
	 * @param database the database
	 * @param settings the engine settings
	 * @param beans the beans whose {@code @EventFunction} methods are the functions
	 * @return the started engine
	 */
	public TestEngine start(FreshDatabase database, EngineSettings settings, Object... beans) {
		return start(database, database.dataSource(), settings, beans);
	}

	/**
	 * Start an engine on a database, its functions with a backoff of the test's.
	 * @param database the database
	 * @param settings the engine settings
	 * @param backoff the functions' backoff
	 * @param beans the beans whose {@code @EventFunction} methods are the functions
	 * @return the started engine
	 */
	public TestEngine start(FreshDatabase database, EngineSettings settings, Backoff backoff, Object... beans) {
		return start(database, database.dataSource(), settings, backoff, Clock.systemUTC(), beans);
	}

	/**
	 * Start an engine on a database reached through a given data source, for example one
	 * that simulates a lost connection.
	 * @param database the database
	 * @param dataSource the data source the engine uses to reach it
	 * @param settings the engine settings
	 * @param beans the beans whose {@code @EventFunction} methods are the functions
	 * @return the started engine
	 */
	public TestEngine start(FreshDatabase database, DataSource dataSource, EngineSettings settings, Object... beans) {
		return start(database, dataSource, settings, BACKOFF, Clock.systemUTC(), beans);
	}

	/**
	 * Start an engine on a database with a clock of the test's, such as a
	 * {@link MutableClock}.
	 * @param database the database
	 * @param settings the engine settings
	 * @param clock the clock the engine reads
	 * @param beans the beans whose {@code @EventFunction} methods are the functions
	 * @return the started engine
	 */
	public TestEngine start(FreshDatabase database, EngineSettings settings, Clock clock, Object... beans) {
		return start(database, database.dataSource(), settings, BACKOFF, clock, beans);
	}

	/**
	 * Start an engine on a database with a serializer of the test's, for example one that
	 * fails on purpose.
	 * @param database the database
	 * @param settings the engine settings
	 * @param serializer the serializer of payloads and outputs
	 * @param beans the beans whose {@code @EventFunction} methods are the functions
	 * @return the started engine
	 */
	public TestEngine start(FreshDatabase database, EngineSettings settings, PayloadSerializer serializer,
			Object... beans) {
		return start(database, database.dataSource(), settings, BACKOFF, Clock.systemUTC(), serializer, beans);
	}

	/**
	 * Start an engine on a database reached through a given data source, with more set on
	 * its builder, such as metrics or an observation registry.
	 * @param database the database
	 * @param dataSource the data source the engine uses to reach it
	 * @param settings the engine settings
	 * @param customizer sets more on the engine's builder
	 * @param beans the beans whose {@code @EventFunction} methods are the functions
	 * @return the started engine
	 */
	public TestEngine start(FreshDatabase database, DataSource dataSource, EngineSettings settings,
			Consumer<FanoutEngine.Builder> customizer, Object... beans) {
		return start(database, dataSource, settings, BACKOFF, Clock.systemUTC(), new JacksonPayloadSerializer(),
				customizer, beans);
	}

	private TestEngine start(FreshDatabase database, DataSource dataSource, EngineSettings settings, Backoff backoff,
			Clock clock, Object... beans) {
		return start(database, dataSource, settings, backoff, clock, new JacksonPayloadSerializer(), beans);
	}

	private TestEngine start(FreshDatabase database, DataSource dataSource, EngineSettings settings, Backoff backoff,
			Clock clock, PayloadSerializer serializer, Object... beans) {
		return start(database, dataSource, settings, backoff, clock, serializer, (builder) -> {
		}, beans);
	}

	private TestEngine start(FreshDatabase database, DataSource dataSource, EngineSettings settings, Backoff backoff,
			Clock clock, PayloadSerializer serializer, Consumer<FanoutEngine.Builder> customizer, Object... beans) {
		DataSourceTransactionManager transactionManager = (dataSource != database.dataSource())
				? new DataSourceTransactionManager(dataSource)
				: (DataSourceTransactionManager) database.transactionManager();
		FanoutEngine.Builder builder = FanoutEngine.builder(dataSource, transactionManager)
			.settings(settings)
			.serializer(serializer)
			.clock(clock)
			.functions(TestFunctions.definitions(backoff, serializer, beans));
		customizer.accept(builder);
		FanoutEngine engine = builder.build();
		TestEngine started = new TestEngine(engine, database);
		this.resources.push(started);
		engine.start();
		return started;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		Exception failure = null;
		while (!this.resources.isEmpty()) {
			try {
				this.resources.pop().close();
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
