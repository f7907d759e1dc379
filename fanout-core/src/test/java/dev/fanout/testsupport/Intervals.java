package dev.fanout.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What functions under test record of their own executions: when each began and ended,
 * under which key, so that a test can tell how many ran at once.
 */
public final class Intervals {

	private final Queue<Interval> recorded = new ConcurrentLinkedQueue<>();

	/**
	 * Run some work and record when it began and ended.
	 * @param key what the execution counts under
	 * @param work the work
	 * @param <T> its result
	 * @return its result
	 */
	public <T> T record(String key, Supplier<T> work) {
		Instant start = Instant.now();
		try {
			return work.get();
		}
		finally {
			this.recorded.add(new Interval(key, start, Instant.now()));
		}
	}

	/**
	 * Record some busy work of a given length: the thread is held, as by a call to a slow
	 * service.
	 * @param key what the execution counts under
	 * @param length how long it lasts
	 */
	public void work(String key, Duration length) {
		record(key, () -> {
			try {
				Thread.sleep(length.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return null;
		});
	}

	/**
	 * The executions recorded so far.
	 * @return them, by start
	 */
	public List<Interval> all() {
		return this.recorded.stream().sorted(Comparator.comparing(Interval::start)).toList();
	}

	/**
	 * The most executions that ran at once under each key.
	 * @return the most, by key
	 */
	public Map<String, Integer> mostAtOnceByKey() {
		return all().stream()
			.collect(Collectors.groupingBy(Interval::key,
					Collectors.collectingAndThen(Collectors.toList(), Intervals::mostAtOnce)));
	}

	/**
	 * The most executions that ran at once, whatever their key.
	 * @return the most
	 */
	public int mostAtOnce() {
		return mostAtOnce(all());
	}

	private static int mostAtOnce(List<Interval> intervals) {
		List<Instant[]> edges = new ArrayList<>();
		for (Interval interval : intervals) {
			edges.add(new Instant[] { interval.start(), null });
			edges.add(new Instant[] { interval.end(), interval.end() });
		}
		// At one instant an end comes before a start: back-to-back runs do not overlap.
		edges.sort(Comparator.<Instant[], Instant>comparing((edge) -> edge[0])
			.thenComparing((edge) -> (edge[1] != null) ? 0 : 1));
		int current = 0;
		int most = 0;
		for (Instant[] edge : edges) {
			current += (edge[1] != null) ? -1 : 1;
			most = Math.max(most, current);
		}
		return most;
	}

	/**
	 * One execution.
	 *
	 * @param key what it counts under
	 * @param start when it began
	 * @param end when it ended
	 */
	public record Interval(String key, Instant start, Instant end) {
	}

}
