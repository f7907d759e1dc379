package dev.fanout.test;

import org.jspecify.annotations.Nullable;

import dev.fanout.RetryAfterException;

/**
 * Errors as the engine records them: {@code ExceptionType: message}.
 */
final class TestErrors {

	private TestErrors() {
	}

	static String describe(Throwable error) {
		return error.getClass().getName() + ": " + error.getMessage();
	}

	static @Nullable RetryAfterException retryAfter(Throwable error) {
		for (Throwable current = error; current != null; current = current.getCause()) {
			if (current instanceof RetryAfterException retryAfter) {
				return retryAfter;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
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
