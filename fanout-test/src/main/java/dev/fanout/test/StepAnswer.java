package dev.fanout.test;

import org.jspecify.annotations.Nullable;

/**
 * What a mocked step does instead of its body: it receives the {@link StepCall} (the
 * step's key, attempt and arguments) and returns the step's output or throws, exactly as
 * the real step would.
 *
 * @since 0.1.0
 * @see FunctionTester#mockStep(String, StepAnswer)
 */
@FunctionalInterface
public interface StepAnswer {

	/**
	 * Answer one call of the step.
	 * @param call the call
	 * @return the step's output: for {@code run} its value, for {@code waitForEvent} the
	 * {@link dev.fanout.Event} that arrives ({@code null} for a timeout), for
	 * {@code invoke} the invoked function's output, for {@code sendEvent} a
	 * {@link dev.fanout.SendResult} ({@code null} for the default one)
	 * @throws Exception a failure, handled like the real step's failure
	 */
	@Nullable Object answer(StepCall call) throws Exception;

}
