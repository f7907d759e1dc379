package dev.fanout.engine.run;

import org.jspecify.annotations.Nullable;

import dev.fanout.store.RunEnd;
import dev.fanout.store.StoredStep;

/**
 * What a run hands to the group commit: a step, its end, or both when its last step is
 * stored with its end.
 *
 * @param runId the run
 * @param step the step to store first, or {@code null}
 * @param end the run's end, made only if the step was stored, or {@code null}
 */
record RunWrite(String runId, @Nullable StoredStep step, @Nullable RunEnd end) {

}
