package dev.fanout.engine.step;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.store.StoredStep;

/**
 * Where the state of one run lives, as the step code of one invocation sees it: the
 * stored steps, and the writes the steps make (results, pauses, waits, sends and
 * invocations). The step semantics ({@link Invocation}) are written once, over this seam:
 * the engine keeps the journal in the database, the test kit in memory with a virtual
 * clock.
 * <p>
 * A write that the run may no longer make (another owner took the run, it is being
 * cancelled, or the journal stops it) throws a {@link Refusal} naming why; the step code
 * then interrupts the invocation. Confined to the invocation's thread.
 *
 * @since 0.1.0
 */
public interface RunJournal {

	/**
	 * The current time, for step times and due times.
	 * @return the time
	 */
	Instant now();

	/**
	 * What is stored for a step key.
	 * @param key the step key
	 * @return the step, or {@code null} if the run never reached it
	 */
	@Nullable StoredStep step(String key);

	/**
	 * Every step stored for the run, in the order the run reached them: what a function
	 * run elsewhere is sent as its memos.
	 * @return the steps, by position
	 */
	List<StoredStep> steps();

	/**
	 * Why the run must stop before a step it has not reached yet, if it must: the worker
	 * is stopping, or the run is asked to cancel. None by default: nothing outside the
	 * run stops it.
	 * @return the interruption, or {@code null} to go on
	 */
	default @Nullable Interruption pending() {
		return null;
	}

	/**
	 * Call a step's body for one attempt: by default the body is called; the test kit may
	 * answer in its place.
	 * @param step the step
	 * @param attempt the zero-based attempt
	 * @param arguments the step's arguments, for those who answer in its place
	 * @param body the body
	 * @return what the body returned
	 * @throws Exception what the body threw
	 */
	default @Nullable Object call(StepRef step, int attempt, List<@Nullable Object> arguments, Callable<?> body)
			throws Exception {
		return body.call();
	}

	/**
	 * A step's result is about to reach the function. The test kit stops a run here when
	 * asked to.
	 * @param step the step
	 * @throws Refusal to stop the run here
	 */
	default void reached(StepRef step) {
	}

	/**
	 * Record a step: a completion, a failed attempt or a failure for good. A completed
	 * step is never overwritten.
	 * @param step the step's row
	 * @throws Refusal if the run may no longer write
	 */
	void save(StoredStep step);

	/**
	 * Record a sleeping or waiting step and park the run until it is due, together.
	 * @param ref the step
	 * @param step the step's row
	 * @param status {@link RunStatus#SLEEPING} or {@link RunStatus#WAITING}
	 * @param due when the run is due again if nothing resumes it before
	 * @throws Refusal if the run may no longer write
	 */
	void park(StepRef ref, StoredStep step, RunStatus status, Instant due);

	/**
	 * Register a wait for an event: resume it at once with an event that arrived since
	 * the run first started, or record the waiting step and park the run.
	 * @param ref the step
	 * @param waiting the waiting step's row, due when the wait times out
	 * @param wait what the step waits for
	 * @return the event that resumed it, or when the parked run is due
	 * @throws Refusal if the run may no longer write
	 */
	Waited registerWait(StepRef ref, StoredStep waiting, WaitFor wait);

	/**
	 * End a waiting step on its timeout, unless an event or an invoked run ended it
	 * first.
	 * @param timedOut the step's row on a timeout
	 * @return the step as it now stands
	 */
	StoredStep resolveWait(StoredStep timedOut);

	/**
	 * Send events and record the step that sent them, together, so that a replay never
	 * sends them again.
	 * @param ref the step
	 * @param attempt the zero-based attempt
	 * @param events the events
	 * @param row the step's completed row for what the send returned
	 * @return what the send returned
	 * @throws IllegalArgumentException if the events are refused, naming why
	 * @throws Refusal if the run may no longer write
	 */
	SendResult send(StepRef ref, int attempt, List<Event> events, Function<SendResult, StoredStep> row);

	/**
	 * Whether a function can be invoked.
	 * @param functionId the function id
	 * @return whether it exists
	 */
	boolean hasFunction(String functionId);

	/**
	 * Start the run of an invoked function, record the waiting step and park this run.
	 * @param ref the step
	 * @param waiting the waiting step's row, due when the invocation times out
	 * @param functionId the invoked function
	 * @param trigger the invoked run's trigger
	 * @param timeout the timeout the step gave, or {@code null}
	 * @return when the parked run is due
	 * @throws Refusal if the run may no longer write
	 */
	Instant startInvocation(StepRef ref, StoredStep waiting, String functionId, Event trigger,
			@Nullable Duration timeout);

	/**
	 * What a wait for an event waits for.
	 *
	 * @param eventName the event name
	 * @param timeout how long it waits
	 * @param match the match expression's text, or {@code null}
	 * @param expression the parsed match, or {@code null}
	 */
	record WaitFor(String eventName, Duration timeout, @Nullable String match,
			org.springframework.expression.@Nullable Expression expression) {
	}

	/**
	 * How a wait registered: resumed at once with an event, or parked until a time.
	 *
	 * @param event the event that resumed it, or {@code null}
	 * @param dueAt when the parked run is due, or {@code null} when resumed
	 */
	record Waited(@Nullable Event event, @Nullable Instant dueAt) {

		/**
		 * A wait resumed at once.
		 * @param event the event
		 * @return the outcome
		 */
		public static Waited resumed(Event event) {
			return new Waited(event, null);
		}

		/**
		 * A wait that parked the run.
		 * @param dueAt when the run is due
		 * @return the outcome
		 */
		public static Waited parked(Instant dueAt) {
			return new Waited(null, dueAt);
		}

	}

}
