package dev.fanout.test;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.springframework.expression.Expression;

import dev.fanout.Event;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.function.FlowControl;
import dev.fanout.engine.function.FlowKey;
import dev.fanout.engine.function.FunctionDefinition;

/**
 * Checks the events {@link FunctionTester} gives a run against what the engine could give
 * it: one event, or for a {@code @Batch} function up to its {@code maxSize}, each
 * triggering the function and, for a keyed batch, with one key.
 */
final class RunEvents {

	private RunEvents() {
	}

	/**
	 * Check the events of a run as they are given: how many, and each once.
	 * @throws IllegalArgumentException naming the function and what is wrong
	 */
	static List<Event> checked(FunctionDefinition function, List<Event> events) {
		Objects.requireNonNull(events, "events must not be null");
		if (events.isEmpty()) {
			throw new IllegalArgumentException(
					"No events for function '" + function.id() + "': a run has at least its trigger");
		}
		checkSize(function, events.size());
		Set<String> ids = new HashSet<>();
		for (Event event : events) {
			Objects.requireNonNull(event, "events must not contain null");
			if (!ids.add(event.id())) {
				throw new IllegalArgumentException("Event " + event.id() + " is given twice for function '"
						+ function.id() + "': a batch holds an event once");
			}
		}
		return List.copyOf(events);
	}

	private static void checkSize(FunctionDefinition function, int size) {
		FlowControl.BatchRule batch = function.flow().batch();
		if (batch == null && size > 1) {
			throw new IllegalArgumentException(
					"Function '" + function.id() + "' is not a @Batch function: each of its runs has one event, not "
							+ size
							+ ((function.flow().debounce() != null)
									? " (a @Debounce run has one, the last event of its window)" : "")
							+ "; give it one with event(...)");
		}
		if (batch != null && size > batch.maxSize()) {
			throw new IllegalArgumentException("Function '" + function.id() + "' has at most " + batch.maxSize()
					+ " events in a run (@Batch maxSize = " + batch.maxSize() + "), not " + size);
		}
	}

	/**
	 * Check that the engine could make the run: each event triggers the function, and the
	 * events of a keyed batch share its key, since the engine batches keys apart.
	 * @throws AssertionError naming the event at fault
	 */
	static void checkRunnable(FunctionDefinition function, List<Event> events) {
		for (int i = 0; i < events.size(); i++) {
			Event event = events.get(i);
			if (!function.isTriggeredBy(event)) {
				Expression filter = function.filter();
				throw new AssertionError(which(i, events) + " '" + event.name() + "' with data " + event.data()
						+ " does not trigger function '" + function.id() + "' (events " + function.triggers()
						+ ((filter != null) ? ", filter '" + filter.getExpressionString() + "'" : "")
						+ "); check triggers with isTriggeredBy(event)");
			}
		}
		FlowControl.BatchRule batch = function.flow().batch();
		FlowKey key = (batch != null) ? batch.key() : null;
		if (key == null) {
			return;
		}
		String first = key.keyOf(EventExpressions.asMap(events.get(0)));
		for (int i = 1; i < events.size(); i++) {
			String other = key.keyOf(EventExpressions.asMap(events.get(i)));
			if (!other.equals(first)) {
				throw new AssertionError(which(i, events) + " has the @Batch key '" + other + "', the first event '"
						+ first + "' (key = \"" + key.source() + "\"): function '" + function.id()
						+ "' batches them apart, so no run of it has both");
			}
		}
	}

	private static String which(int index, List<Event> events) {
		return (events.size() == 1) ? "Event" : "Event " + (index + 1) + " of " + events.size();
	}

}
