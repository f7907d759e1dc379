package dev.fanout.engine.step;

/**
 * Thrown by a {@link RunJournal} that refuses a write, or stops the run: the step code
 * interrupts the invocation with the reason.
 *
 * @since 0.1.0
 */
public final class Refusal extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient Interruption reason;

	/**
	 * Create a refusal.
	 * @param reason why the run cannot go on
	 */
	public Refusal(Interruption reason) {
		super("fanout run interrupted: " + reason, null, false, false);
		this.reason = reason;
	}

	/**
	 * Why the run cannot go on.
	 * @return the interruption
	 */
	public Interruption reason() {
		return this.reason;
	}

}
