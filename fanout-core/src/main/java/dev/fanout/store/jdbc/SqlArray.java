package dev.fanout.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.SqlTypeValue;

/**
 * Values bound as one SQL array parameter: for {@code = ANY (?)}, or a column of rows
 * given as arrays.
 */
final class SqlArray implements SqlTypeValue {

	private final String type;

	private final Object[] values;

	SqlArray(Collection<String> values) {
		this("varchar", values.toArray());
	}

	private SqlArray(String type, Object[] values) {
		this.type = type;
		this.values = values;
	}

	/**
	 * Integers as one array parameter.
	 * @param values the integers
	 * @return the parameter
	 */
	static SqlArray ofIntegers(Integer[] values) {
		return new SqlArray("integer", values);
	}

	/**
	 * Rows as one array per column, in the columns' order, for {@link #unnest}.
	 * @param <T> what a row is made of
	 * @param types the columns' SQL types
	 * @param items the rows' items
	 * @param row the values of an item's row, one per column
	 * @return the arrays
	 */
	static <T> List<SqlArray> columns(List<String> types, List<T> items, Function<T, Object[]> row) {
		Object[][] columns = new Object[types.size()][items.size()];
		for (int i = 0; i < items.size(); i++) {
			Object[] values = row.apply(items.get(i));
			for (int c = 0; c < columns.length; c++) {
				columns[c][i] = values[c];
			}
		}
		List<SqlArray> arrays = new ArrayList<>(columns.length);
		for (int c = 0; c < columns.length; c++) {
			arrays.add(new SqlArray(types.get(c), columns[c]));
		}
		return arrays;
	}

	/**
	 * The rows of {@link #columns} as a table: {@code unnest} of one array parameter per
	 * column, each cast to its type.
	 * @param types the columns' SQL types
	 * @return the table expression
	 */
	static String unnest(List<String> types) {
		return types.stream().map((type) -> "?::" + type + "[]").collect(Collectors.joining(", ", "unnest(", ")"));
	}

	/**
	 * Bound as a Java array of the elements' class, which PostgreSQL's driver sends in
	 * its binary format: no quoting or escaping of every element on either side, as the
	 * text of {@code createArrayOf} needs (see BENCHMARKS.md). Times go as their ISO-8601
	 * text, which the statement casts.
	 */
	@Override
	public void setTypeValue(PreparedStatement ps, int paramIndex, int sqlType, @Nullable String typeName)
			throws SQLException {
		ps.setObject(paramIndex, switch (this.type) {
			case "integer" -> Arrays.copyOf(this.values, this.values.length, Integer[].class);
			case "boolean" -> Arrays.copyOf(this.values, this.values.length, Boolean[].class);
			default -> Arrays.stream(this.values)
				.map((value) -> (value != null) ? value.toString() : null)
				.toArray(String[]::new);
		});
	}

}
