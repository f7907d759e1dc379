package dev.fanout.testsupport;

import javax.sql.DataSource;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A database created for one test: its data source and connection details, a transaction
 * manager, and helpers to create fanout's schema and count rows. Closing it drops the
 * database.
 */
public final class FreshDatabase implements AutoCloseable {

	private final TestDatabase kind;

	private final DataSource dataSource;

	private final String url;

	private final String username;

	private final String password;

	private final Runnable drop;

	private final DataSourceTransactionManager transactionManager;

	FreshDatabase(TestDatabase kind, DataSource dataSource, String url, String username, String password,
			Runnable drop) {
		this.kind = kind;
		this.dataSource = dataSource;
		this.url = url;
		this.username = username;
		this.password = password;
		this.drop = drop;
		this.transactionManager = new DataSourceTransactionManager(dataSource);
	}

	/**
	 * Create fanout's tables with the schema script shipped for this database.
	 * @return this database
	 */
	public FreshDatabase createSchema() {
		new ResourceDatabasePopulator(new ClassPathResource(this.kind.schemaScript())).execute(this.dataSource);
		return this;
	}

	public TestDatabase kind() {
		return this.kind;
	}

	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * The JDBC URL, for {@code spring.datasource.url}.
	 * @return the URL
	 */
	public String url() {
		return this.url;
	}

	public String username() {
		return this.username;
	}

	public String password() {
		return this.password;
	}

	/**
	 * A transaction manager on this database, shared by everything that asks for it.
	 * @return the transaction manager
	 */
	public PlatformTransactionManager transactionManager() {
		return this.transactionManager;
	}

	/**
	 * A transaction template on {@link #transactionManager()}.
	 * @return a new template
	 */
	public TransactionTemplate transactionTemplate() {
		return new TransactionTemplate(this.transactionManager);
	}

	public JdbcTemplate jdbc() {
		return new JdbcTemplate(this.dataSource);
	}

	/**
	 * Count the rows of a table.
	 * @param table the table name
	 * @return the number of rows
	 */
	public int count(String table) {
		Integer count = jdbc().queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
		return (count != null) ? count : 0;
	}

	/**
	 * Drop the database.
	 */
	@Override
	public void close() {
		this.drop.run();
	}

	@Override
	public String toString() {
		return this.kind + " " + this.url;
	}

}
