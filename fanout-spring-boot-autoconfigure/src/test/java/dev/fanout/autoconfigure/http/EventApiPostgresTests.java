package dev.fanout.autoconfigure.http;

import dev.fanout.testsupport.TestDatabase;

/**
 * The HTTP event API on PostgreSQL.
 */
class EventApiPostgresTests extends AbstractEventApiTests {

	@Override
	TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

}
