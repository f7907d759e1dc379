package dev.fanout.engine.support;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.jspecify.annotations.Nullable;

import dev.fanout.RetryAfterException;

/**
 * How errors are recorded: a one-line summary and a bounded stack trace.
 *
 * @since 0.1.0
 */
public final class Errors {

	private static final int MAX_STACK = 16 * 1024;

	private Errors() {
	}

	/**
	 * The error as recorded: {@code ExceptionType: message}.
	 * @param error the error
	 * @return the summary
	 */
	public static String describe(Throwable error) {
		return StorableText.sanitize(error.getClass().getName() + ": " + error.getMessage());
	}

	/**
	 * The error's stack trace as recorded, cut at 16 KiB.
	 * @param error the error
	 * @return the stack trace
	 */
	public static String stack(Throwable error) {
		StringWriter out = new StringWriter();
		error.printStackTrace(new PrintWriter(out));
		String stack = StorableText.sanitize(out.toString());
		return (stack.length() > MAX_STACK) ? stack.substring(0, MAX_STACK) + "\n\t... (truncated)" : stack;
	}

	/**
	 * The {@link RetryAfterException} in the error's cause chain.
	 * @param error the error
	 * @return the exception, or {@code null} if there is none
	 */
	public static @Nullable RetryAfterException retryAfter(Throwable error) {
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

}
