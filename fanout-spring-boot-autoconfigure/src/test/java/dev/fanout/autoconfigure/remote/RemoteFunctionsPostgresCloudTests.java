package dev.fanout.autoconfigure.remote;

import dev.fanout.testsupport.TestDatabase;

/**
 * Remote functions on PostgreSQL, the SDK app in cloud mode, every request signed.
 */
class RemoteFunctionsPostgresCloudTests extends AbstractRemoteFunctionsTests {

	@Override
	TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

	@Override
	boolean cloud() {
		return true;
	}

}
