package dev.fanout.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.ResultSetExtractor;

import dev.fanout.store.PendingWait;
import dev.fanout.store.WaitLookup;

/**
 * Reads the rows of {@link Sql#PENDING_WAITS}: matchers found by no key (kind {@code w}),
 * and the paths of those found by key (kind {@code p}).
 */
final class WaitLookups implements ResultSetExtractor<WaitLookup> {

	static final WaitLookups INSTANCE = new WaitLookups();

	@Override
	public WaitLookup extractData(ResultSet rs) throws SQLException {
		List<PendingWait> unkeyed = new ArrayList<>();
		List<WaitLookup.Path> paths = new ArrayList<>();
		while (rs.next()) {
			if ("p".equals(rs.getString("row_kind"))) {
				paths.add(new WaitLookup.Path(rs.getString("event_name"), rs.getString("match_on")));
			}
			else {
				unkeyed.add(Rows.PENDING_WAIT.mapRow(rs, unkeyed.size()));
			}
		}
		return (unkeyed.isEmpty() && paths.isEmpty()) ? WaitLookup.NONE : new WaitLookup(unkeyed, paths);
	}

}
