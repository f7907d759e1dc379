package dev.fanout.store.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * A multi-row insert and its arguments: several rows in one statement, one round trip.
 *
 * @param sql the statement, rendered
 * @param args its arguments, row after row
 */
record RowsInsert(String sql, List<Object> args) {

	/**
	 * Rows per multi-row insert, well under PostgreSQL's limit of 32767 bound parameters.
	 */
	static final int MAX_ROWS = 500;

	/**
	 * An insert of some rows as a {@code VALUES} list.
	 * @param <T> what a row is made of
	 * @param head the statement up to its column list, rendered
	 * @param items the rows' items, at least one
	 * @param row the values of an item's row, one per column
	 * @return the insert
	 */
	static <T> RowsInsert of(String head, List<T> items, Function<T, Object[]> row) {
		if (items.isEmpty()) {
			throw new IllegalArgumentException("A multi-row insert needs rows");
		}
		List<Object> args = rowValues(items, row);
		int width = args.size() / items.size();
		return new RowsInsert(head + " VALUES " + rows("(" + "?, ".repeat(width - 1) + "?)", items.size()), args);
	}

	/**
	 * An insert of some rows given as one array per column, read with {@code unnest}: one
	 * parameter per column whatever the number of rows; for PostgreSQL.
	 * @param <T> what a row is made of
	 * @param head the statement up to its column list, rendered
	 * @param types the columns' SQL types
	 * @param items the rows' items
	 * @param row the values of an item's row, one per column
	 * @return the insert
	 */
	static <T> RowsInsert ofArrays(String head, List<String> types, List<T> items, Function<T, Object[]> row) {
		return new RowsInsert(head + " SELECT * FROM " + SqlArray.unnest(types),
				List.copyOf(SqlArray.columns(types, items, row)));
	}

	/**
	 * Insert rows with as few multi-row inserts as the limit of rows per insert allows.
	 * @param <T> what a row is made of
	 * @param jdbc the JDBC operations
	 * @param head the statement up to its column list, rendered
	 * @param items the rows' items, possibly none
	 * @param row the values of an item's row, one per column
	 */
	static <T> void insertAll(JdbcOperations jdbc, String head, List<T> items, Function<T, Object[]> row) {
		for (int from = 0; from < items.size(); from += MAX_ROWS) {
			RowsInsert insert = of(head, items.subList(from, Math.min(items.size(), from + MAX_ROWS)), row);
			jdbc.update(insert.sql(), insert.args().toArray());
		}
	}

	/**
	 * Rows of a multi-row {@code VALUES} list.
	 * @param row one row's placeholders, in parentheses
	 * @param count how many rows
	 * @return the rows, comma separated
	 */
	static String rows(String row, int count) {
		return String.join(", ", Collections.nCopies(count, row));
	}

	/**
	 * The parameters of a multi-row {@code VALUES} list, row after row.
	 * @param <T> what a row is made of
	 * @param items the rows' items
	 * @param row the values of an item's row, in order
	 * @return the parameters, in a list that may be added to
	 */
	static <T> List<Object> rowValues(List<T> items, Function<T, Object[]> row) {
		List<Object> values = new ArrayList<>();
		for (T item : items) {
			values.addAll(Arrays.asList(row.apply(item)));
		}
		return values;
	}

}
