package dev.fanout.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.SqlTypeValue;

/**
 * Integers bound as one SQL array parameter.
 */
final class IntArray implements SqlTypeValue {

	private final Integer[] values;

	IntArray(Integer[] values) {
		this.values = values;
	}

	@Override
	public void setTypeValue(PreparedStatement ps, int paramIndex, int sqlType, @Nullable String typeName)
			throws SQLException {
		ps.setArray(paramIndex, ps.getConnection().createArrayOf("integer", this.values));
	}

}
