package dev.fanout.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The throughput runs of the default command on PostgreSQL when the peer baseline is on
 * (issue 22): fanout and db-scheduler alternately, round after round, so that a slow
 * spell of a shared machine hurts both alike; then both medians and their ratio. The
 * unmeasured warm-up rounds before them are made here too, with or without the peer.
 *
 * @since 0.1.0
 */
final class PeerRounds {

	private PeerRounds() {
	}

	/**
	 * Whether the baseline runs on a target: only on PostgreSQL, where db-scheduler's
	 * table and the WAL figures are written for.
	 * @param options the options
	 * @param target the target
	 * @return whether to alternate
	 */
	static boolean apply(Options options, DatabaseTarget target) {
		return options.peer() && "postgresql".equals(target.name());
	}

	/**
	 * Make the unmeasured throughput runs of {@link Options#warmupRounds()}: fanout's,
	 * and db-scheduler's after each where the baseline applies. Each line is printed and
	 * left out of every median.
	 * @param options the options
	 * @param target the target
	 * @param out where to print
	 */
	static void warmUp(Options options, DatabaseTarget target, PrintStream out) {
		for (int i = 1; i <= options.warmupRounds(); i++) {
			out.printf(Locale.ROOT, "warm-up %d/%d %s%n", i, options.warmupRounds(), fanout(options, target).format());
			if (apply(options, target)) {
				out.printf(Locale.ROOT, "warm-up %d/%d %s%n", i, options.warmupRounds(),
						peer(options, target).format());
			}
		}
	}

	/**
	 * Run the rounds, printing a line per run, the medians and the ratio.
	 * @param options the options: the workload, runs and warm-up
	 * @param target the PostgreSQL target
	 * @param out where to print
	 * @return the medians, fanout's then db-scheduler's
	 */
	static Medians run(Options options, DatabaseTarget target, PrintStream out) {
		List<Measurement> fanout = new ArrayList<>();
		List<Measurement> peer = new ArrayList<>();
		for (int i = 1; i <= options.runs(); i++) {
			Measurement ours = fanout(options, target);
			fanout.add(ours);
			out.printf(Locale.ROOT, "run %d/%d    %s%n", i, options.runs(), ours.format());
			Measurement theirs = peer(options, target);
			peer.add(theirs);
			out.printf(Locale.ROOT, "peer %d/%d   %s%n", i, options.runs(), theirs.format());
		}
		Medians medians = new Medians(Measurement.median(fanout), Measurement.median(peer));
		out.println("median     " + medians.fanout().format());
		out.println("median     " + medians.peer().format());
		out.println(medians.ratio());
		return medians;
	}

	private static Measurement fanout(Options options, DatabaseTarget target) {
		return Trial.throughput(target, options.workload(), options.warmupEvents());
	}

	private static Measurement peer(Options options, DatabaseTarget target) {
		return DbSchedulerBaseline.throughput(target, options.workload(), options.warmupEvents()).measurement();
	}

	/**
	 * The medians of both.
	 *
	 * @param fanout fanout's
	 * @param peer db-scheduler's
	 */
	record Medians(Measurement fanout, Measurement peer) {

		/**
		 * The line that compares them.
		 * @return fanout's runs/s over db-scheduler's, with the WAL each wrote per run
		 */
		String ratio() {
			return String.format(Locale.ROOT,
					"ratio      fanout %.0f runs/s / db-scheduler %.0f runs/s = %.2f; WAL bytes per run: fanout %.0f, "
							+ "db-scheduler %.0f",
					this.fanout.runsPerSecond(), this.peer.runsPerSecond(),
					this.fanout.runsPerSecond() / this.peer.runsPerSecond(), this.fanout.walBytesPerRun(),
					this.peer.walBytesPerRun());
		}

	}

}
