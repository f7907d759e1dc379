package dev.fanout.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * What happened to the tasks of one phase (warm-up or measured) of the db-scheduler
 * baseline, kept in memory: db-scheduler deletes a one-time task's row when it completes,
 * so the database cannot tell afterwards. Task {@code i} of event {@code n} has index
 * {@code n * functions + i}; each index is written by one thread at a time and read only
 * after {@link #await} returned, which the latch orders.
 *
 * @since 0.1.0
 */
final class DbSchedulerLedger {

	private final String phase;

	private final int events;

	private final int functions;

	private final @Nullable Instant[] sentAt;

	private final @Nullable Instant[] startedAt;

	private final @Nullable Instant[] doneAt;

	private final AtomicIntegerArray executions;

	private final LongAdder workUnits = new LongAdder();

	private final CountDownLatch unfinished;

	DbSchedulerLedger(String phase, int events, int functions) {
		this.phase = phase;
		this.events = events;
		this.functions = functions;
		this.sentAt = new Instant[events];
		this.startedAt = new Instant[events * functions];
		this.doneAt = new Instant[events * functions];
		this.executions = new AtomicIntegerArray(events * functions);
		this.unfinished = new CountDownLatch(events * functions);
	}

	/**
	 * The id of a task instance, unique across phases so that a stray row of one phase
	 * cannot pass for another's.
	 * @param event the event's number in this phase
	 * @return the id
	 */
	String instanceId(int event) {
		return this.phase + ":" + event;
	}

	int events() {
		return this.events;
	}

	int tasks() {
		return this.events * this.functions;
	}

	void sent(int event, Instant at) {
		this.sentAt[event] = at;
	}

	/**
	 * Note that a task started, and count its execution.
	 * @param function the function's number, from 0
	 * @param instanceId the task instance's id
	 * @param at when
	 * @return the task's index
	 */
	int started(int function, String instanceId, Instant at) {
		int index = index(function, instanceId);
		this.startedAt[index] = at;
		this.executions.incrementAndGet(index);
		return index;
	}

	void worked() {
		this.workUnits.increment();
	}

	/**
	 * Note that a task completed: db-scheduler has deleted its row.
	 * @param function the function's number, from 0
	 * @param instanceId the task instance's id
	 * @param at when
	 */
	void done(int function, String instanceId, Instant at) {
		this.doneAt[index(function, instanceId)] = at;
		this.unfinished.countDown();
	}

	/**
	 * Wait until every task of the phase has completed.
	 * @param timeout how long at most
	 * @throws IllegalStateException if some are still unfinished then
	 */
	void await(Duration timeout) {
		try {
			if (!this.unfinished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(this.unfinished.getCount() + " of " + tasks()
						+ " db-scheduler tasks of the " + this.phase + " phase still unfinished after " + timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for db-scheduler's tasks", ex);
		}
	}

	long unfinished() {
		return this.unfinished.getCount();
	}

	/**
	 * How many tasks ran exactly once.
	 * @return the count
	 */
	long tasksRunOnce() {
		long once = 0;
		for (int i = 0; i < this.executions.length(); i++) {
			if (this.executions.get(i) == 1) {
				once++;
			}
		}
		return once;
	}

	long workUnits() {
		return this.workUnits.sum();
	}

	Instant sentAt(int index) {
		return Objects.requireNonNull(this.sentAt[index / this.functions], "sent");
	}

	@Nullable Instant startedAt(int index) {
		return this.startedAt[index];
	}

	@Nullable Instant doneAt(int index) {
		return this.doneAt[index];
	}

	/**
	 * When the last task was done, or {@code since} if none was.
	 */
	Instant lastDone(Instant since) {
		Instant last = since;
		for (Instant done : this.doneAt) {
			if (done != null && done.isAfter(last)) {
				last = done;
			}
		}
		return last;
	}

	private int index(int function, String instanceId) {
		int colon = instanceId.indexOf(':');
		if (colon < 0 || !this.phase.equals(instanceId.substring(0, colon))) {
			throw new IllegalStateException("Task instance " + instanceId + " is not of the " + this.phase + " phase");
		}
		return Integer.parseInt(instanceId.substring(colon + 1)) * this.functions + function;
	}

}
