package dev.fanout.test;

import java.util.List;

import dev.fanout.RunInfo;

/**
 * The runs one event triggered, as {@link FanoutRuns} awaited them. An event of a
 * {@link dev.fanout.Batch batch} has the batch's run, whose {@link RunInfo#eventId()} is
 * the batch's first event.
 *
 * @param eventId the event id
 * @param runs the runs, oldest first, with their steps
 * @since 0.1.0
 */
public record EventRuns(String eventId, List<RunInfo> runs) {

	public EventRuns {
		runs = List.copyOf(runs);
	}

	/**
	 * The run of one function.
	 * @param functionId the function id
	 * @return the run
	 * @throws AssertionError if the event triggered no run of that function, describing
	 * those it did
	 */
	public RunInfo run(String functionId) {
		return this.runs.stream()
			.filter((run) -> run.functionId().equals(functionId))
			.findFirst()
			.orElseThrow(() -> new AssertionError("Event " + this.eventId + " triggered no run of '" + functionId
					+ "'\n" + RunDescriptions.describe(this.runs, this.eventId)));
	}

}
