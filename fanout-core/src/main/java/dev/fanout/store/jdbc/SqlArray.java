package dev.fanout.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.SqlTypeValue;

/**
 * Values bound as one SQL array parameter, for {@code = ANY (?)}: strings, or integers.
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

	@Override
	public void setTypeValue(PreparedStatement ps, int paramIndex, int sqlType, @Nullable String typeName)
			throws SQLException {
		ps.setArray(paramIndex, ps.getConnection().createArrayOf(this.type, this.values));
	}

}
