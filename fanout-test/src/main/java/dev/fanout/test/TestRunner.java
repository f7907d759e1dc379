package dev.fanout.test;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fanout.NonRetriableException;
import dev.fanout.RunStatus;
import dev.fanout.engine.step.Interruption;
import dev.fanout.engine.step.Invocation;
import dev.fanout.engine.step.StepOutputs;
import dev.fanout.store.StoredStep;

/**
 * Runs a function to its end the way the engine's executor and worker do, in memory: one
 * invocation after another, from the top each time, until the run completes, fails for
 * good or {@code executeUntil} stops it. Each invocation is the engine's own, over a
 * {@link MemoryJournal}. Between invocations no thread waits: the virtual clock moves to
 * the time the engine would have invoked the function again.
 */
final class TestRunner {

	private final TestSetup setup;

	private final RunMemory memory;

	TestRunner(TestSetup setup, Instant start, List<StoredStep> completedSteps) {
		this.setup = setup;
		this.memory = new RunMemory(start, completedSteps);
	}

	FunctionRun run() {
		MemoryJournal journal = new MemoryJournal(this.setup, this.memory);
		StepOutputs outputs = new StepOutputs(this.setup.serializer(), this.setup.limits());
		while (true) {
			this.memory.invocations++;
			Invocation.Outcome outcome = new Invocation(this.setup.runId(), this.setup.function(), this.setup.events(),
					this.memory.retryAttempt, outputs)
				.invoke(journal);
			if (this.memory.misuse != null) {
				throw new AssertionError(this.memory.misuse + "\n" + stopped());
			}
			if (this.memory.stoppedAt != null) {
				return stopped();
			}
			Interruption interruption = outcome.interruption();
			if (interruption instanceof Interruption.RetryStep retry) {
				this.memory.save(retry.failedAttempt());
				this.memory.retryAttempt = retry.failedAttempt().attempts();
				this.memory.advanceTo(retry.dueAt());
			}
			else if (interruption instanceof Interruption.Parked parked) {
				// The work after a pause is new: its attempt starts at 0.
				this.memory.retryAttempt = 0;
				this.memory.advanceTo(parked.dueAt());
			}
			else if (interruption != null) {
				throw new AssertionError("The run was interrupted: " + interruption + "\n" + stopped());
			}
			else if (outcome.failure() == null) {
				return completed(outcome.result(), outputs);
			}
			else if (!retried(outcome.failure())) {
				return ended(RunStatus.FAILED, null, null, outcome.failure());
			}
		}
	}

	private FunctionRun stopped() {
		return new FunctionRun(this.setup, this.memory, RunStatus.RUNNING, null, null, null);
	}

	private FunctionRun completed(@Nullable Object result, StepOutputs outputs) {
		String json;
		try {
			json = outputs.encodeRunOutput(result);
		}
		catch (NonRetriableException ex) {
			return ended(RunStatus.FAILED, null, null, ex);
		}
		return ended(RunStatus.COMPLETED, result, json, null);
	}

	/**
	 * A failure outside steps: retried with the same limit as a step, unless it is not
	 * retryable or a step's final failure that the function let through.
	 */
	private boolean retried(Throwable error) {
		int failures = this.memory.failures + 1;
		Instant due = this.setup.function().retryAt(error, failures, this.memory.now());
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
