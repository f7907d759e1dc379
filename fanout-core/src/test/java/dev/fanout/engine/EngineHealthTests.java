package dev.fanout.engine;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.testsupport.DisconnectableDataSource;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FanoutEngine#health()} (observability issue): down only for faults of this
 * instance (its database unreachable, its group-commit writer failing, its PostgreSQL
 * listener disconnected for longer than a poll interval), up again once they are gone,
 * and never down because functions fail.
 */
class EngineHealthTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void isUpWhileFunctionsFail(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new Greetings());
		engine.awaitRun(engine.send("app/broken", Map.of()).runIds().get(0), RunStatus.FAILED);
		awaiting().until(() -> engine.engine().health().up());
		EngineHealth health = engine.engine().health();
		assertThat(health.details()).containsEntry("database", "UP").containsEntry("writer", "UP");
		assertThat(health.details().get("listener"))
			.isEqualTo((database == TestDatabase.POSTGRESQL) ? "connected" : "none");
	}

	@OnEachDatabase
	void isDownWhileItsDatabaseIsUnreachableAndUpOnceItIsBack(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		DisconnectableDataSource dataSource = new DisconnectableDataSource(db.dataSource());
		TestEngine engine = this.fixture.start(db, dataSource, EngineFixture.settings(), new Greetings());
		awaiting().until(() -> engine.engine().health().up());
		dataSource.disconnect();
		EngineHealth down = engine.engine().health();
		assertThat(down.up()).isFalse();
		assertThat(down.details().get("database")).asString().contains("Disconnected by the test");
		dataSource.reconnect();
		awaiting().until(() -> engine.engine().health().up());
	}

	@OnEachDatabase
	void isDownOnceItsWriterFailedAndUpAfterABatchCommits(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		DisconnectableDataSource dataSource = new DisconnectableDataSource(db.dataSource());
		TestEngine engine = this.fixture.start(db, dataSource, EngineFixture.settings(), new Greetings());
		dataSource.disconnectThreads("fanout-commit");
		String lost = engine.send("app/greet", Map.of()).runIds().get(0);
		awaiting().until(() -> !engine.engine().health().up());
		EngineHealth down = engine.engine().health();
		assertThat(down.details()).containsEntry("database", "UP").containsKey("writerFailedAt");
		assertThat(down.details().get("writer")).asString().contains("Disconnected by the test");
		dataSource.reconnect();
		engine.awaitRun(engine.send("app/greet", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		awaiting().until(() -> engine.engine().health().up());
		assertThat(engine.engine().health().details()).containsEntry("writer", "UP")
			.doesNotContainKey("writerFailedAt");
		engine.awaitRun(lost);
	}

	@Test
	void isDownWhileItsPostgresListenerStaysDisconnected() {
		FreshDatabase db = this.fixture.database(TestDatabase.POSTGRESQL);
		DisconnectableDataSource dataSource = new DisconnectableDataSource(db.dataSource());
		TestEngine engine = this.fixture.start(db, dataSource, EngineFixture.settings(), new Greetings());
		awaiting().until(() -> "connected".equals(engine.engine().health().details().get("listener")));
		// Its connection dropped, the listener cannot open another.
		dataSource.disconnectThreads("fanout-listen");
		db.jdbc()
			.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' "
					+ "AND pid <> pg_backend_pid()");
		awaiting().until(() -> !engine.engine().health().up());
		EngineHealth down = engine.engine().health();
		assertThat(down.details()).containsEntry("listener", "disconnected")
			.containsEntry("database", "UP")
			.containsKey("listenerDisconnectedSince");
		dataSource.reconnect();
		awaiting().until(() -> engine.engine().health().up());
		assertThat(engine.engine().health().details()).containsEntry("listener", "connected");
	}

	static class Greetings {

		@EventFunction(id = "greet", event = "app/greet")
		String greet(StepContext step) {
			return step.run("hello", () -> "hello");
		}

		@EventFunction(id = "broken", event = "app/broken", retries = 0)
		void broken() {
			throw new IllegalStateException("broken on purpose");
		}

	}

}
