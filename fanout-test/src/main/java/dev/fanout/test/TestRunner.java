package dev.fanout.test;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fanout.NonRetriableException;
import dev.fanout.RunStatus;
import dev.fanout.engine.FunctionDefinition;

/**
 * Runs a function to its end the way the engine's executor and worker do, in memory: one
 * invocation after another, from the top each time, until the run completes, fails for
 * good or {@code executeUntil} stops it. Between invocations no thread waits: the virtual
 * clock moves to the time the engine would have invoked the function again.
 */
final class TestRunner {

	private final TestSetup setup;

	private final RunMemory memory;

	TestRunner(TestSetup setup, Instant start, List<StepRow> completedSteps) {
		this.setup = setup;
		this.memory = new RunMemory(start, completedSteps);
	}

	FunctionRun run() {
		FunctionDefinition function = this.setup.function();
		while (true) {
			this.memory.invocations++;
			TestInvocation invocation = new TestInvocation(this.setup, this.memory);
			Object result = null;
			Throwable failure = null;
			try {
				result = function.invoker().invoke(invocation, invocation);
			}
			catch (Throwable ex) {
				failure = ex;
			}
			Halt halt = invocation.halt();
			if (halt instanceof Halt.Retry retry) {
				this.memory.save(retry.failedAttempt());
				this.memory.retryAttempt = retry.failedAttempt().attempts();
				this.memory.advanceTo(retry.dueAt());
			}
			else if (halt instanceof Halt.Parked parked) {
				// The work after a pause is new: its attempt starts at 0.
				this.memory.retryAttempt = 0;
				this.memory.advanceTo(parked.dueAt());
			}
			else if (halt instanceof Halt.Stopped) {
				return new FunctionRun(this.setup, this.memory, RunStatus.RUNNING, null, null, null);
			}
			else if (halt instanceof Halt.Misuse misuse) {
				throw new AssertionError(misuse.message() + "\n"
						+ new FunctionRun(this.setup, this.memory, RunStatus.RUNNING, null, null, null));
			}
			else if (failure == null) {
				return completed(result);
			}
			else if (!retried(failure)) {
				return ended(RunStatus.FAILED, null, null, failure);
			}
		}
	}

	private FunctionRun completed(@Nullable Object result) {
		String json;
		try {
			json = this.setup.serializer().serialize(result);
		}
		catch (IllegalArgumentException ex) {
			return ended(RunStatus.FAILED, null, null,
					new NonRetriableException("The function's return value cannot be stored as JSON", ex));
		}
		return ended(RunStatus.COMPLETED, result, json, null);
	}

	/**
	 * A failure outside steps: retried with the same limit as a step, unless it is not
	 * retryable or a step's final failure that the function let through.
	 */
	private boolean retried(Throwable error) {
		int failures = this.memory.failures + 1;
		Instant due = this.setup.function().retryAt(error, failures, this.memory.now(), false);
		if (due == null) {
			return false;
		}
		this.memory.failures = failures;
		this.memory.retryAttempt = failures;
		this.memory.advanceTo(due);
		return true;
	}

	private FunctionRun ended(RunStatus status, @Nullable Object output, @Nullable String json,
			@Nullable Throwable error) {
		FunctionRun run = new FunctionRun(this.setup, this.memory, status, output, json, error);
		String stopAfter = this.setup.stopAfter();
		if (stopAfter != null) {
			throw new AssertionError("executeUntil(\"" + stopAfter + "\"): the run ended " + status
					+ " without reaching step '" + stopAfter + "'\n" + run, error);
		}
		return run;
	}

}
