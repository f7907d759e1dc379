package dev.fanout.autoconfigure.remote;

import dev.fanout.testsupport.TestDatabase;

/**
 * Remote functions on PostgreSQL, the SDK app in dev mode, unsigned.
 */
class RemoteFunctionsPostgresDevTests extends AbstractRemoteFunctionsTests {

	@Override
	TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

	@Override
	boolean cloud() {
		return false;
	}

}
