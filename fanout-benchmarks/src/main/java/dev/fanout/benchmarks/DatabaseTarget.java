package dev.fanout.benchmarks;

import java.io.PrintStream;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A database server the benchmarks run on, handing out a {@link FreshDatabase} per run.
 * Close it to stop a server it started.
 *
 * @since 0.1.0
 */
public interface DatabaseTarget extends AutoCloseable {

	/**
	 * The name used in result lines.
	 * @return the name, such as {@code h2} or {@code postgresql}
	 */
	String name();

	/**
	 * A line that says what the database is and how it is set up, for the results.
	 * @return the description
	 */
	String describe();

	/**
	 * A new, empty database with fanout's schema.
	 * @param poolSize the engine's pool size
	 * @return the database; close it to drop it
	 */
	FreshDatabase create(int poolSize);

	/**
	 * Print what the database says of the runs so far, if anything.
	 * @param out where to print
	 */
	default void report(PrintStream out) {
	}

	@Override
	void close();

	/**
	 * The target for a {@code --db} name or a JDBC URL.
	 * @param kind {@code h2} (a file database in a temporary directory), {@code h2-mem}
	 * (in memory) or {@code postgresql} (an embedded PostgreSQL server with fsync and
	 * synchronous commit on)
	 * @param url a JDBC URL to use instead, or {@code null}
	 * @param user the user for the URL
	 * @param password the password for the URL
	 * @param statements how many of its costliest statements an embedded PostgreSQL
	 * reports, 0 for none
	 * @return the target
	 */
	static DatabaseTarget of(String kind, @Nullable String url, String user, String password, int statements) {
		if (url != null) {
			return new UrlDatabaseTarget(url, user, password);
		}
		return switch (kind.toLowerCase(Locale.ROOT)) {
			case "h2" -> new H2DatabaseTarget(false);
			case "h2-mem" -> new H2DatabaseTarget(true);
			case "postgresql", "postgres", "pg" -> new EmbeddedPostgresTarget(statements);
			default -> throw new IllegalArgumentException(
					"--db takes h2, h2-mem or postgresql (or give --jdbc-url), not '" + kind + "'");
		};
	}

}
