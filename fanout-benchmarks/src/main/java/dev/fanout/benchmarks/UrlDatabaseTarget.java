package dev.fanout.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.StreamUtils;

/**
 * A database given by its JDBC URL (H2 or PostgreSQL). Each run creates fanout's tables
 * and drops them afterwards, so the database must not have them already.
 */
final class UrlDatabaseTarget implements DatabaseTarget {

	private static final Pattern TABLE = Pattern.compile("(?i)create table if not exists (\\w+)");

	private final String url;

	private final String user;

	private final String password;

	private final String platform;

	UrlDatabaseTarget(String url, String user, String password) {
		this.url = url;
		this.user = user;
		this.password = password;
		if (url.startsWith("jdbc:h2:")) {
			this.platform = "h2";
		}
		else if (url.startsWith("jdbc:postgresql:")) {
			this.platform = "postgresql";
		}
		else {
			throw new IllegalArgumentException("--jdbc-url must be an H2 or PostgreSQL URL, not " + url);
		}
	}

	@Override
	public String name() {
		return this.platform + "-url";
	}

	@Override
	public String describe() {
		return this.platform + " at " + this.url;
	}

	@Override
	public FreshDatabase create(int poolSize) {
		HikariDataSource pool = Pools.pool("bench", this.url, this.user, this.password, poolSize);
		JdbcTemplate jdbc = new JdbcTemplate(pool);
		List<String> tables = tables();
		for (String table : tables) {
			Integer found = jdbc.queryForObject(
					"SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = ?", Integer.class, table);
			if (found != null && found > 0) {
				pool.close();
				throw new IllegalStateException("The database at " + this.url + " already has table " + table
						+ "; give one without fanout's tables: the benchmark creates and drops them");
			}
		}
		return new FreshDatabase(this.platform, pool,
				Pools.pool("bench-monitor", this.url, this.user, this.password, 1), () -> {
					try (HikariDataSource cleanup = Pools.pool("bench-drop", this.url, this.user, this.password, 1)) {
						tables.forEach((table) -> new JdbcTemplate(cleanup).execute("DROP TABLE IF EXISTS " + table));
					}
				});
	}

	private List<String> tables() {
		try {
			String script = StreamUtils.copyToString(
					new ClassPathResource(FreshDatabase.schemaScript(this.platform)).getInputStream(),
					StandardCharsets.UTF_8);
			Matcher matcher = TABLE.matcher(script);
			return matcher.results().map((result) -> result.group(1)).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
	}

}
