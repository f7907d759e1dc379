package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.fanout.StepStatus;

/**
 * A step of a run as stored: one row per step key. Built through {@link #of}, which names
 * each kind of row; the store's row mapper alone uses the constructor.
 *
 * @param key the step key
 * @param position the order in which the run first reached the step
 * @param status the status
 * @param output the output as JSON, or {@code null}
 * @param outputType the class name of the output, for restoring it, or {@code null}
 * @param error the last error, as {@code ExceptionType: message}, or {@code null}
 * @param errorStack the last error's stack trace, or {@code null}
 * @param attempts how many attempts were made
 * @param wakeAt when a sleeping or waiting step is due, or {@code null}
 * @param startedAt when the first attempt started
 * @param endedAt when the step completed or failed for good, or {@code null}
 * @since 0.1.0
 */
public record StoredStep(String key, int position, StepStatus status, @Nullable String output,
		@Nullable String outputType, @Nullable String error, @Nullable String errorStack, int attempts,
		@Nullable Instant wakeAt, Instant startedAt, @Nullable Instant endedAt) {

	/**
	 * Start describing a step's row.
	 * @param key the step key
	 * @param position its position in the run
	 * @param startedAt when its first attempt started
	 * @return a builder whose last call says what the row is
	 */
	public static Builder of(String key, int position, Instant startedAt) {
		return new Builder(key, position, startedAt);
	}

	/**
	 * Whether the step is over: completed, or failed for good.
	 * @return whether it ended
	 */
	public boolean hasEnded() {
		return this.status == StepStatus.COMPLETED || this.endedAt != null;
	}

	/**
	 * Whether the step failed for good, and is not retried.
	 * @return whether it failed for good
	 */
	public boolean hasFailedForGood() {
		return this.status == StepStatus.FAILED && this.endedAt != null;
	}

	/**
	 * This step's row after a later write of the same step, as the store keeps it: a
	 * completed step never changes, and a step keeps its position, the start of its first
	 * attempt and its last error (a step that completed after a failed attempt still
	 * shows that attempt's error).
	 * @param next the later write
	 * @return the row as stored after it
	 */
	public StoredStep updatedWith(StoredStep next) {
		if (this.status == StepStatus.COMPLETED) {
			return this;
		}
		return new StoredStep(this.key, this.position, next.status, next.output, next.outputType,
				(next.error != null) ? next.error : this.error,
				(next.errorStack != null) ? next.errorStack : this.errorStack, next.attempts, next.wakeAt,
				this.startedAt, next.endedAt);
	}

	/**
	 * Builds a {@link StoredStep}: set the attempts if not 1, then name the kind of row.
	 */
	public static final class Builder {

		private final String key;

		private final int position;

		private final Instant startedAt;

		private int attempts = 1;

		private Builder(String key, int position, Instant startedAt) {
			this.key = key;
			this.position = position;
			this.startedAt = startedAt;
		}

		/**
		 * Set how many attempts were made.
		 * @param attempts the attempts, 1 by default
		 * @return this builder
		 */
		public Builder attempts(int attempts) {
			this.attempts = attempts;
			return this;
		}

		/**
		 * A completed step.
		 * @param output the output JSON, or {@code null}
		 * @param outputType the output's type hint, or {@code null}
		 * @param endedAt when it completed
		 * @return the row
		 */
		public StoredStep completed(@Nullable String output, @Nullable String outputType, Instant endedAt) {
			return row(StepStatus.COMPLETED, output, outputType, null, null, null, endedAt);
		}

		/**
		 * A failed attempt that will be retried.
		 * @param error the error summary
		 * @param stack the stack trace, or {@code null}
		 * @return the row
		 */
		public StoredStep failedAttempt(String error, @Nullable String stack) {
			return row(StepStatus.FAILED, null, null, error, stack, null, null);
		}

		/**
		 * A step that failed for good.
		 * @param error the error summary
		 * @param stack the stack trace, or {@code null}
		 * @param endedAt when it failed
		 * @return the row
		 */
		public StoredStep failed(String error, @Nullable String stack, Instant endedAt) {
			return row(StepStatus.FAILED, null, null, error, stack, null, endedAt);
		}

		/**
		 * A step that failed for good, with an output that code run elsewhere is given
		 * back (an SDK's {@code {"error": ...}} memo).
		 * @param output the output JSON
		 * @param outputType the output's type hint
		 * @param error the error summary
		 * @param endedAt when it failed
		 * @return the row
		 */
		public StoredStep failed(String output, String outputType, String error, Instant endedAt) {
			return row(StepStatus.FAILED, output, outputType, error, null, null, endedAt);
		}

		/**
		 * A sleeping step.
		 * @param output the output it will have, its due time as JSON
		 * @param wakeAt when it is due
		 * @return the row
		 */
		public StoredStep sleeping(String output, Instant wakeAt) {
			return row(StepStatus.SLEEPING, output, null, null, null, wakeAt, null);
		}

		/**
		 * A step waiting for an event or an invoked run.
		 * @param wakeAt when it times out
		 * @return the row
		 */
		public StoredStep waiting(Instant wakeAt) {
			return row(StepStatus.WAITING, null, null, null, null, wakeAt, null);
		}

		/**
		 * A step waiting, its type hint saying what for until it ends and its output
		 * replaces the hint.
		 * @param outputType what it waits for
		 * @param wakeAt when it times out
		 * @return the row
		 */
		public StoredStep waiting(String outputType, Instant wakeAt) {
			return row(StepStatus.WAITING, null, outputType, null, null, wakeAt, null);
		}

		private StoredStep row(StepStatus status, @Nullable String output, @Nullable String outputType,
				@Nullable String error, @Nullable String stack, @Nullable Instant wakeAt, @Nullable Instant endedAt) {
			return new StoredStep(this.key, this.position, status, output, outputType, error, stack, this.attempts,
					wakeAt, this.startedAt, endedAt);
		}

	}

}
