package dev.fanout.autoconfigure.http;

import dev.fanout.testsupport.TestDatabase;

/**
 * The HTTP event API on H2.
 */
class EventApiH2Tests extends AbstractEventApiTests {

	@Override
	TestDatabase database() {
		return TestDatabase.H2;
	}

}
