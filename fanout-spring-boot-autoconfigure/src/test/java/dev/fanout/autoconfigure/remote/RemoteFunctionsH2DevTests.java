package dev.fanout.autoconfigure.remote;

import dev.fanout.testsupport.TestDatabase;

/**
 * Remote functions on H2, the SDK app in dev mode, unsigned.
 */
class RemoteFunctionsH2DevTests extends AbstractRemoteFunctionsTests {

	@Override
	TestDatabase database() {
		return TestDatabase.H2;
	}

	@Override
	boolean cloud() {
		return false;
	}

}
