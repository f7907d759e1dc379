package dev.fanout.test;

/**
 * Lets a mock's checked exception reach the function unwrapped.
 */
final class TestErrors {

	private TestErrors() {
	}

	/**
	 * Throw a checked exception without declaring it, so a mock's failure reaches the
	 * function as the very exception the mock threw.
	 */
	@SuppressWarnings("unchecked")
	static <E extends Throwable> RuntimeException sneakyThrow(Throwable error) throws E {
		throw (E) error;
	}

}
