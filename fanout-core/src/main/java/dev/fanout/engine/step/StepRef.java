package dev.fanout.engine.step;

/**
 * A step the function reached.
 *
 * @param id the step id the function gave
 * @param key the step key: the id, or {@code id:n} for its n-th repeat
 * @param position its position in the run, from 0
 * @since 0.1.0
 */
public record StepRef(String id, String key, int position) {
}
