package dev.fanout.store.jdbc;

import java.util.EnumMap;
import java.util.Map;

/**
 * The {@link Sql} catalogue rendered for one table prefix: every statement once, when a
 * store is created, so that no call rewrites SQL, and a dialect's own variant in place of
 * a statement where it has one. The prefix is checked before it goes into any statement.
 */
final class Statements {

	static final String DEFAULT_PREFIX = "fanout_";

	private final String prefix;

	private final Map<Sql, String> rendered = new EnumMap<>(Sql.class);

	private Statements(String prefix, Map<Sql, String> variants) {
		this.prefix = prefix;
		for (Sql statement : Sql.values()) {
			this.rendered.put(statement, render(variants.getOrDefault(statement, statement.text())));
		}
	}

	/**
	 * The catalogue for a table prefix.
	 * @param prefix the table name prefix
	 * @param variants a dialect's statements that take the place of shared ones, with the
	 * same parameters, written for the default prefix
	 * @return the rendered statements
	 * @throws IllegalArgumentException if the prefix is not an identifier of at most 31
	 * characters (it is put into SQL as it is)
	 */
	static Statements forPrefix(String prefix, Map<Sql, String> variants) {
		return new Statements(TablePrefix.check(prefix), variants);
	}

	/**
	 * A statement of the catalogue, with this store's prefix.
	 * @param statement the statement
	 * @return its text
	 */
	String get(Sql statement) {
		return this.rendered.get(statement);
	}

	/**
	 * Text outside the catalogue written for the default prefix, a dialect's own
	 * statements, with this store's prefix; meant to be called once per statement, when
	 * the dialect is built.
	 * @param sql the text
	 * @return the text for this store
	 */
	String render(String sql) {
		return DEFAULT_PREFIX.equals(this.prefix) ? sql : sql.replace(DEFAULT_PREFIX, this.prefix);
	}

}
