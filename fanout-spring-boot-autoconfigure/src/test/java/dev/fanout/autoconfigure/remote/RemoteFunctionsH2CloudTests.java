package dev.fanout.autoconfigure.remote;

import dev.fanout.testsupport.TestDatabase;

/**
 * Remote functions on H2, the SDK app in cloud mode, every request signed.
 */
class RemoteFunctionsH2CloudTests extends AbstractRemoteFunctionsTests {

	@Override
	TestDatabase database() {
		return TestDatabase.H2;
	}

	@Override
	boolean cloud() {
		return true;
	}

}
