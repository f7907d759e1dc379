package dev.fanout.engine.step;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.util.StringUtils;

import dev.fanout.NonRetriableException;

/**
 * The steps of one invocation in the order the function reaches them: checks each step
 * id, keys the repeats of an id {@code id}, {@code id:1}, {@code id:2}, counts positions
 * against the step limit and refuses a step called inside another. Confined to the
 * invocation's thread.
 *
 */
final class StepSequence {

	private final Map<String, Integer> repeats = new HashMap<>();

	private final int maxSteps;

	private int position;

	private @Nullable String current;

	/**
	 * A sequence for one invocation.
	 * @param maxSteps the most steps a run may have
	 */
	StepSequence(int maxSteps) {
		this.maxSteps = maxSteps;
	}

	/**
	 * The next step the function reached.
	 * @param id the step id the function gave
	 * @return the step's key and position
	 * @throws NonRetriableException if the id is invalid, a step is running or the run
	 * has too many steps
	 */
	Next next(String id) {
		if (!StringUtils.hasText(id) || id.length() > 200 || id.indexOf('\0') >= 0) {
			throw new NonRetriableException("A step id must be 1 to 200 characters without NUL, not '"
					+ String.valueOf(id).replace('\0', '?') + "'");
		}
		if (this.current != null) {
			throw new NonRetriableException("Step '" + id + "' was called inside step '" + this.current
					+ "': steps cannot be nested; call them one after the other in the function");
		}
		int repeat = this.repeats.merge(id, 1, Integer::sum) - 1;
		String key = (repeat == 0) ? id : id + ":" + repeat;
		int next = this.position++;
		if (next >= this.maxSteps) {
			throw new NonRetriableException(
					"Run has more than " + this.maxSteps + " steps, the limit (fanout.limits.max-steps-per-run)");
		}
		return new Next(key, next);
	}

	/**
	 * A step's body starts: until {@link #leave()}, another step is nesting.
	 * @param key the step's key
	 */
	void enter(String key) {
		this.current = key;
	}

	/**
	 * The running step's body ended.
	 */
	void leave() {
		this.current = null;
	}

	/**
	 * A step the function reached.
	 *
	 * @param key the step key, with its repeat suffix
	 * @param position its position in the run, from 0
	 */
	record Next(String key, int position) {
	}

}
