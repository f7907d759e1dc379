package dev.fanout;

import java.util.List;

/**
 * What a function knows about the run that invoked it.
 *
 * @since 0.1.0
 */
public interface RunContext {

	/**
	 * The run id.
	 * @return the run id
	 */
	String runId();

	/**
	 * The id of the function being run.
	 * @return the function id
	 */
	String functionId();

	/**
	 * The zero-based attempt of the work now being done: 0 on a first try, {@code n} on
	 * the n-th retry of the step (or of the body outside steps) that failed last. It
	 * starts again at 0 after each step that succeeds.
	 * @return the attempt
	 */
	int attempt();

	/**
	 * The event that triggered the run: for a {@link Batch batched} run, the first of its
	 * events; for a {@link Debounce debounced} one, the last event of the window.
	 * @return the event
	 */
	Event event();

	/**
	 * All events of the run, in the order they were sent: a {@link Batch batched} run's
	 * events, the trigger alone for any other run.
	 * @return the events, at least one
	 */
	List<Event> events();

}
