package dev.fanout.engine.step;

import dev.fanout.engine.function.FunctionBody;

/**
 * A function whose code runs elsewhere, such as an Inngest SDK application called over
 * HTTP: instead of calling steps through a {@link dev.fanout.StepContext}, it reads the
 * run's stored steps and records what the code reports, on the same journal and with the
 * same interruptions as a method's steps, so that retries, sleeps, waits, cancellation
 * and replays behave alike.
 *
 * @since 0.1.0
 */
public interface JournalDriven extends FunctionBody {

	/**
	 * Drive one invocation of a run.
	 * @param invocation the invocation: run, function, events and attempt
	 * @param journal the run's journal
	 * @return what the function returned or why it failed, and why it stopped early if it
	 * did
	 */
	Invocation.Outcome invoke(Invocation invocation, RunJournal journal);

	@Override
	default ClassLoader classLoader() {
		return getClass().getClassLoader();
	}

}
