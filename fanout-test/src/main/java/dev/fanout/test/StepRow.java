package dev.fanout.test;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.fanout.StepInfo;
import dev.fanout.StepStatus;

/**
 * What the tester keeps for one step key, as the engine's step table would: status, JSON
 * output with its type, last error and attempts, in virtual time.
 *
 * @param key the step key
 * @param position the order in which the run first reached the step
 * @param status the status
 * @param output the output as JSON; for a waiting step, the event that will resume it
 * @param outputType the class name of the output, for restoring it
 * @param error the last error, as {@code ExceptionType: message}
 * @param attempts how many attempts were made
 * @param wakeAt when a sleeping or waiting step is due
 * @param startedAt when the first attempt started
 * @param endedAt when the step completed or failed for good
 */
record StepRow(String key, int position, StepStatus status, @Nullable String output, @Nullable String outputType,
		@Nullable String error, int attempts, @Nullable Instant wakeAt, Instant startedAt, @Nullable Instant endedAt) {

	boolean isCompleted() {
		return this.status == StepStatus.COMPLETED;
	}

	boolean hasFailedForGood() {
		return this.status == StepStatus.FAILED && this.endedAt != null;
	}

	StepInfo toStepInfo() {
		String shownOutput = (this.status == StepStatus.COMPLETED) ? this.output : null;
		return new StepInfo(this.key, this.status, shownOutput, this.error, this.attempts, this.startedAt,
				this.endedAt);
	}

}
