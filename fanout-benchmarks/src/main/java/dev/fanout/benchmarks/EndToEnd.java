package dev.fanout.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The end-to-end benchmark. For each database it starts a JVM of its own (so heap and RSS
 * are that configuration's alone), which runs the throughput workload and the light load
 * several times each, every run on a fresh database after a warm-up on it, and prints a
 * line per run and the medians. See {@link Options#USAGE} and BENCHMARKS.md.
 *
 * @since 0.1.0
 */
public final class EndToEnd {

	/** Marks a child's median rows for the summary; not echoed. */
	private static final String ROW = "@row ";

	/** Marks a child's line printed after the summary's table; not echoed. */
	private static final String NOTE = "@note ";

	private EndToEnd() {
	}

	public static void main(String[] args) throws Exception {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		if (options.child() != null) {
			runOne(options, options.child(), System.out);
		}
		else {
			runEach(options, args);
		}
		// The engine's and the pool's threads are daemons, but embedded PostgreSQL's
		// output readers are not.
		System.exit(0);
	}

	private static void runEach(Options options, String[] args) throws IOException, InterruptedException {
		System.out.println(machine());
		System.out.println("command: java -jar fanout-benchmarks.jar " + String.join(" ", args));
		System.out.println("workload: " + options.workload().describe() + "; " + options.runs()
				+ " runs each, medians reported; light load: " + options.lightEvents() + " events at "
				+ options.lightRate() + "/s, one per send");
		List<String> targets = (options.jdbcUrl() != null) ? List.of("url") : options.databases();
		List<String> rows = new ArrayList<>();
		List<String> notes = new ArrayList<>();
		for (String target : targets) {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(options.jvmArgs());
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(EndToEnd.class.getName());
			command.addAll(Options.childArgs(target, args));
			Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.startsWith(ROW)) {
						rows.add(line.substring(ROW.length()));
					}
					else if (line.startsWith(NOTE)) {
						notes.add(line.substring(NOTE.length()));
					}
					else {
						System.out.println(line);
					}
				}
			}
			if (child.waitFor() != 0) {
				throw new IllegalStateException("The benchmark on " + target + " failed: exit " + child.exitValue());
			}
		}
		if (!rows.isEmpty()) {
			System.out.println();
			System.out.println("Medians of " + options.runs() + " runs:");
			System.out.println(Measurement.markdownHeader());
			rows.forEach(System.out::println);
			notes.forEach(System.out::println);
		}
	}

	private static void runOne(Options options, String name, PrintStream out) {
		try (DatabaseTarget target = DatabaseTarget.of(name, options.jdbcUrl(), options.user(), options.password(),
				options.pgStatements())) {
			out.println();
			out.println("# " + target.describe());
			out.println("# JVM: " + jvm());
			out.println("# load average at start: " + loadAverage());
			if (options.matchers() > 0) {
				CancelMatchers.run(target, options.matchers(), out);
				return;
			}
			if (options.hotKey() > 0) {
				HotKey.run(target, options.workload(), options.hotKey(), out);
				return;
			}
			if (options.backlog() > 0) {
				Backlog.run(target, options.workload(), options.backlog(), out);
				return;
			}
			int warmup = options.warmupEvents();
			PeerRounds.warmUp(options, target, out);
			if (PeerRounds.apply(options, target)) {
				PeerRounds.Medians medians = PeerRounds.run(options, target, out);
				out.println(ROW + medians.fanout().markdownRow());
				out.println(ROW + medians.peer().markdownRow());
				out.println(NOTE + medians.ratio());
			}
			else {
				report(options, out, "throughput", () -> Trial.throughput(target, options.workload(), warmup));
			}
			if (options.lightEvents() > 0) {
				Workload light = options.workload().withEvents(options.lightEvents());
				report(options, out, "light", () -> Trial.lightLoad(target, light, options.lightRate(), warmup));
			}
			target.report(out);
			out.printf(Locale.ROOT, "# peak RSS of this JVM since it started (VmHWM): %.0f MB; load average now: %s%n",
					MemorySampler.peakRssSinceStart() / (1024.0 * 1024), loadAverage());
		}
	}

	private static void report(Options options, PrintStream out, String mode, Supplier<Measurement> trial) {
		List<Measurement> runs = new ArrayList<>();
		for (int i = 1; i <= options.runs(); i++) {
			Measurement run = trial.get();
			runs.add(run);
			out.printf(Locale.ROOT, "run %d/%d    %s%n", i, options.runs(), run.format());
		}
		Measurement median = Measurement.median(runs);
		out.println("median     " + median.format());
		out.println(ROW + median.markdownRow());
	}

	private static String machine() {
		return String.format(Locale.ROOT, "machine: %d CPUs (%s), %s memory, %s %s, Java %s (%s)",
				Runtime.getRuntime().availableProcessors(), cpuModel(), memTotal(), System.getProperty("os.name"),
				System.getProperty("os.version"), System.getProperty("java.version"),
				System.getProperty("java.vm.name"));
	}

	private static String jvm() {
		return String.format(Locale.ROOT, "max heap %d MB, %s, arguments %s",
				Runtime.getRuntime().maxMemory() / (1024 * 1024),
				ManagementFactory.getGarbageCollectorMXBeans().get(0).getName(),
				ManagementFactory.getRuntimeMXBean().getInputArguments());
	}

	/**
	 * The 1, 5 and 15 minute load averages: the machine may be shared, and a load above
	 * the number of CPUs slows every figure down.
	 */
	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	private static String cpuModel() {
		return procLine(Path.of("/proc/cpuinfo"), "model name");
	}

	private static String memTotal() {
		return procLine(Path.of("/proc/meminfo"), "MemTotal");
	}

	private static String procLine(Path file, String key) {
		try {
			return Files.readAllLines(file)
				.stream()
				.filter((line) -> line.startsWith(key))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown");
		}
		catch (IOException | UncheckedIOException ex) {
			return "unknown";
		}
	}

}
