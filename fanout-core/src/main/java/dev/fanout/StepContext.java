package dev.fanout;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * Runs the steps of a function. Each step's output is stored once it succeeds; on a retry
 * or after a crash the function is invoked again and completed steps return their stored
 * output without being called again. Code between steps runs again on every invocation,
 * so it must be deterministic.
 * <p>
 * A step id used several times in one run (a loop) is keyed {@code id}, {@code id:1},
 * {@code id:2}, ... Steps may not be nested.
 *
 * @since 0.1.0
 */
public interface StepContext {

	/**
	 * Run a step once and return its output, restored to the type it had when stored.
	 * @param <T> the output type
	 * @param id the step id
	 * @param fn the step body
	 * @return the step output, possibly {@code null}
	 * @throws StepFailedException when the step exhausted its retries or failed without
	 * retry
	 */
	<T> T run(String id, Callable<T> fn);

	/**
	 * Run a step once and return its output converted to the given type.
	 * @param <T> the output type
	 * @param id the step id
	 * @param type the output type
	 * @param fn the step body
	 * @return the step output, possibly {@code null}
	 * @throws StepFailedException when the step exhausted its retries or failed without
	 * retry
	 */
	<T> T run(String id, Class<T> type, Callable<T> fn);

	/**
	 * Run a step once that returns nothing.
	 * @param id the step id
	 * @param fn the step body
	 * @throws StepFailedException when the step exhausted its retries or failed without
	 * retry
	 */
	void run(String id, ThrowingRunnable fn);

	/**
	 * Pause the run for a while. The run becomes {@link RunStatus#SLEEPING} and holds no
	 * thread; it resumes on this or another instance once the time has come, also after a
	 * restart.
	 * @param id the step id
	 * @param duration how long to sleep, at most one year
	 */
	void sleep(String id, Duration duration);

	/**
	 * Pause the run until a point in time; see {@link #sleep(String, Duration)}.
	 * @param id the step id
	 * @param until when to resume, at most one year ahead
	 */
	void sleepUntil(String id, Instant until);

	/**
	 * Pause the run until an event arrives. The run becomes {@link RunStatus#WAITING} and
	 * holds no thread. An event counts if its name is {@code event}, it arrived after the
	 * run first started, and {@code match} is true for it; the first such event resumes
	 * the run, once.
	 * @param id the step id
	 * @param event the name of the event to wait for
	 * @param timeout how long to wait, at most one year
	 * @param match a SpEL expression over {@code event} (the run's trigger) and
	 * {@code async} (the candidate), such as
	 * {@code async.data.userId == event.data.userId}; {@code null} or empty for any event
	 * of that name
	 * @return the event, or empty when the timeout passed first
	 */
	Optional<Event> waitForEvent(String id, String event, Duration timeout, @Nullable String match);

	/**
	 * Send events, once: a replayed or recovered run does not send them again and gets
	 * the same ids.
	 * @param id the step id
	 * @param events the events
	 * @return the ids of the events and the runs they created
	 */
	SendResult sendEvent(String id, Event... events);

	/**
	 * Run another function, of this application or of another on its database (such as an
	 * application of functions written with an Inngest SDK), with the given data and
	 * wait, without a thread, for its output.
	 * @param <T> the result type
	 * @param id the step id
	 * @param functionId the function to run
	 * @param data its event data: a map, a record or a POJO
	 * @param resultType the type to convert its output to
	 * @return its output
	 * @throws StepFailedException if the function does not exist, fails or is cancelled;
	 * the step is not retried
	 */
	<T> T invoke(String id, String functionId, Object data, Class<T> resultType);

	/**
	 * Like {@link #invoke(String, String, Object, Class)}, failing the step when the
	 * function has not finished within {@code timeout}.
	 * @param <T> the result type
	 * @param id the step id
	 * @param functionId the function to run
	 * @param data its event data
	 * @param resultType the type to convert its output to
	 * @param timeout how long to wait, at most one year
	 * @return its output
	 * @throws StepFailedException if the function does not exist, fails, is cancelled or
	 * times out
	 */
	<T> T invoke(String id, String functionId, Object data, Class<T> resultType, Duration timeout);

}
