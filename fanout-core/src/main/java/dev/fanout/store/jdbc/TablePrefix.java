package dev.fanout.store.jdbc;

import java.util.regex.Pattern;

/**
 * The prefix of fanout's table names, which goes into SQL and DDL as it is: so it must be
 * a plain identifier, and is checked before any of it runs.
 *
 * @since 0.1.0
 */
public final class TablePrefix {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,30}");

	private TablePrefix() {
	}

	/**
	 * Check a table prefix.
	 * @param prefix the prefix
	 * @return the prefix
	 * @throws IllegalArgumentException if it is not letters, digits and underscores,
	 * starting with a letter or underscore, at most 31 characters
	 */
	public static String check(String prefix) {
		if (prefix == null || !IDENTIFIER.matcher(prefix).matches()) {
			throw new IllegalArgumentException("fanout.jdbc.table-prefix must be letters, digits and underscores "
					+ "starting with a letter or underscore, at most 31 characters: '" + prefix + "'");
		}
		return prefix;
	}

}
