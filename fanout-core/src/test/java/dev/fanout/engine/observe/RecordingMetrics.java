package dev.fanout.engine.observe;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import dev.fanout.RunStatus;
import dev.fanout.spi.FanoutMetrics;

/**
 * {@link FanoutMetrics} that records every call, with the thread that made it, for tests
 * to read.
 */
final class RecordingMetrics implements FanoutMetrics {

	final List<Call> calls = new CopyOnWriteArrayList<>();

	@Override
	public void eventsSent(String source, int count) {
		record("eventsSent", source, count, null);
	}

	@Override
	public void runsCreated(String functionId, int count) {
		record("runsCreated", functionId, count, null);
	}

	@Override
	public void runStarted(String functionId, Duration scheduleToStart) {
		record("runStarted", functionId, 1, scheduleToStart);
	}

	@Override
	public void runEnded(String functionId, RunStatus status, @Nullable Duration duration) {
		record("runEnded", functionId + " " + status, 1, duration);
	}

	@Override
	public void runsSkipped(String functionId, String reason, int count) {
		record("runsSkipped", functionId + " " + reason, count, null);
	}

	@Override
	public void stepEnded(String functionId, String outcome, Duration duration) {
		record("stepEnded", functionId + " " + outcome, 1, duration);
	}

	private void record(String method, String what, int count, @Nullable Duration duration) {
		this.calls.add(new Call(method, what, count, duration));
	}

	/**
	 * The calls of one method.
	 * @param method the method
	 * @return its calls, in order
	 */
	List<Call> of(String method) {
		return this.calls.stream().filter((call) -> call.method().equals(method)).toList();
	}

	/**
	 * What the calls of one method said, as {@code what x count}.
	 * @param method the method
	 * @return the calls, in order
	 */
	List<String> said(String method) {
		return of(method).stream().map((call) -> call.what() + " x" + call.count()).toList();
	}

	/**
	 * One call.
	 *
	 * @param method the method called
	 * @param what its arguments but the count and the duration
	 * @param count the count, 1 for methods without
	 * @param duration the duration, if the method has one
	 */
	record Call(String method, String what, int count, @Nullable Duration duration) {
	}

}
