package dev.fanout.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.SqlTypeValue;

/**
 * A list of strings bound as one SQL array parameter, for {@code = ANY (?)}.
 */
final class SqlArray implements SqlTypeValue {

	private final Object[] values;

	SqlArray(Collection<String> values) {
		this.values = values.toArray();
	}

	@Override
	public void setTypeValue(PreparedStatement ps, int paramIndex, int sqlType, @Nullable String typeName)
			throws SQLException {
		ps.setArray(paramIndex, ps.getConnection().createArrayOf("varchar", this.values));
	}

}
