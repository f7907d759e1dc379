package dev.fanout.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The figures of one end-to-end run, or the median of several.
 *
 * @param database the database target's name
 * @param mode {@code throughput} or {@code light}
 * @param events the events sent
 * @param runs the runs they created
 * @param unfinishedRuns the runs that did not complete (failed or cancelled)
 * @param seconds from the first send to the end of the last run
 * @param sendSeconds from the first send to the return of the last
 * @param eventsPerSecond events over seconds
 * @param runsPerSecond function runs over seconds
 * @param stepsPerSecond steps over seconds
 * @param startP50Millis the median time from sending an event to the start of one of its
 * runs
 * @param startP99Millis the 99th percentile of that
 * @param doneP50Millis the median time from sending an event to the end of one of its
 * runs
 * @param doneP99Millis the 99th percentile of that
 * @param commitsPerRun the engine's commits (sends included) over runs
 * @param peakHeapBytes the largest heap in use during the run
 * @param peakRssBytes the largest resident set size of the JVM during the run
 * @param walBytesPerRun the bytes of write-ahead log PostgreSQL wrote from the first send
 * until the last run ended, over runs; {@code NaN} where unknown (H2)
 * @param cpuBusy the share of the machine's CPU time that was busy from the first send
 * until the last run ended, from 0 to 1; {@code NaN} where unknown
 * @since 0.1.0
 */
public record Measurement(String database, String mode, long events, long runs, long unfinishedRuns, double seconds,
		double sendSeconds, double eventsPerSecond, double runsPerSecond, double stepsPerSecond, double startP50Millis,
		double startP99Millis, double doneP50Millis, double doneP99Millis, double commitsPerRun, long peakHeapBytes,
		long peakRssBytes, double walBytesPerRun, double cpuBusy) {

	private static final double MB = 1024 * 1024;

	/**
	 * The median of each figure, taken separately.
	 * @param runs the runs of one configuration, at least one
	 * @return the medians
	 */
	public static Measurement median(List<Measurement> runs) {
		Measurement first = runs.get(0);
		return new Measurement(first.database, first.mode, first.events, first.runs,
				(long) median(runs, Measurement::unfinishedRuns), median(runs, Measurement::seconds),
				median(runs, Measurement::sendSeconds), median(runs, Measurement::eventsPerSecond),
				median(runs, Measurement::runsPerSecond), median(runs, Measurement::stepsPerSecond),
				median(runs, Measurement::startP50Millis), median(runs, Measurement::startP99Millis),
				median(runs, Measurement::doneP50Millis), median(runs, Measurement::doneP99Millis),
				median(runs, Measurement::commitsPerRun), (long) median(runs, Measurement::peakHeapBytes),
				(long) median(runs, Measurement::peakRssBytes), median(runs, Measurement::walBytesPerRun),
				median(runs, Measurement::cpuBusy));
	}

	private static double median(List<Measurement> runs, ToDoubleFunction<Measurement> figure) {
		double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	/**
	 * The value at a percentile, nearest rank.
	 * @param values the values, in any order (sorted in place)
	 * @param percentile from 0 to 100
	 * @return the value, or 0 for no values
	 */
	static double percentile(double[] values, double percentile) {
		if (values.length == 0) {
			return 0;
		}
		Arrays.sort(values);
		int rank = (int) Math.ceil(percentile / 100 * values.length);
		return values[Math.max(0, Math.min(values.length - 1, rank - 1))];
	}

	/**
	 * One result line.
	 * @return the line
	 */
	public String format() {
		return String.format(Locale.ROOT,
				"%-12s %-10s %7d events %7d runs in %6.1f s (sent in %5.1f s) | %7.0f events/s %7.0f runs/s %7.0f steps/s | "
						+ "send-to-start p50 %8.1f ms p99 %8.1f ms | send-to-done p50 %8.1f ms p99 %8.1f ms | "
						+ "%5.2f commits/run%s | CPU busy %3.0f%% | peak heap %5.0f MB | peak RSS %5.0f MB%s",
				this.database, this.mode, this.events, this.runs, this.seconds, this.sendSeconds, this.eventsPerSecond,
				this.runsPerSecond, this.stepsPerSecond, this.startP50Millis, this.startP99Millis, this.doneP50Millis,
				this.doneP99Millis, this.commitsPerRun,
				Double.isNaN(this.walBytesPerRun) ? ""
						: String.format(Locale.ROOT, " | %6.0f WAL bytes/run", this.walBytesPerRun),
				this.cpuBusy * 100, this.peakHeapBytes / MB, this.peakRssBytes / MB,
				(this.unfinishedRuns > 0) ? " | " + this.unfinishedRuns + " runs NOT COMPLETED" : "");
	}

	/**
	 * The header of {@link #markdownRow()}.
	 * @return two lines of Markdown
	 */
	public static String markdownHeader() {
		return "| database | mode | events/s | runs/s | steps/s | send-to-start p50 / p99 (ms) "
				+ "| send-to-done p50 / p99 (ms) | commits/run | WAL bytes/run | CPU busy | peak heap (MB) | peak RSS (MB) |\n"
				+ "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
	}

	/**
	 * This measurement as a row of a Markdown table.
	 * @return the row
	 */
	public String markdownRow() {
		return String.format(Locale.ROOT,
				"| %s | %s | %.0f | %.0f | %.0f | %.1f / %.1f | %.1f / %.1f | %.2f | %s | %.0f%% | %.0f | %.0f |",
				this.database, this.mode, this.eventsPerSecond, this.runsPerSecond, this.stepsPerSecond,
				this.startP50Millis, this.startP99Millis, this.doneP50Millis, this.doneP99Millis, this.commitsPerRun,
				Double.isNaN(this.walBytesPerRun) ? "-" : String.format(Locale.ROOT, "%.0f", this.walBytesPerRun),
				this.cpuBusy * 100, this.peakHeapBytes / MB, this.peakRssBytes / MB);
	}

}
