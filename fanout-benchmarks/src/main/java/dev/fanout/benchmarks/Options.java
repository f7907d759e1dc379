package dev.fanout.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The command line of {@link EndToEnd}: {@code --name value} pairs, each optional.
 *
 * @param databases the database targets to run on, in order
 * @param jdbcUrl a database to run on instead, or {@code null}
 * @param user the user for the URL
 * @param password the password for the URL
 * @param workload the throughput workload
 * @param runs how many measured runs per configuration
 * @param warmupEvents the events each run sends first, unmeasured, on its own database:
 * they give the tables a history and statistics
 * @param warmupRounds the whole throughput runs made first, unmeasured, in the same JVM
 * (of fanout and, with the peer, of db-scheduler): the JIT compiles the hot code of each
 * during them rather than during the measured runs
 * @param lightEvents the events of the light-load runs, 0 for none
 * @param lightRate the light load's events per second
 * @param backlog how many queued runs the backlog mode builds up to, 0 for the normal
 * mode
 * @param matchers how many live runs with a {@code @CancelOn} the matchers mode queues
 * before it times a send of deletions, 0 for the normal mode
 * @param hotKey how many runs the hot-key mode queues on one key before it times a
 * trickle of events on other keys, 0 for the normal mode
 * @param jvmArgs the options of the JVM each configuration runs in
 * @param pgStatements how many of its costliest statements the embedded PostgreSQL
 * reports, 0 for none
 * @param peer whether the throughput runs on PostgreSQL alternate with runs of the
 * db-scheduler baseline (issue 22)
 * @param child the one target this process runs, or {@code null} when it starts a JVM per
 * target
 * @since 0.1.0
 */
public record Options(List<String> databases, @Nullable String jdbcUrl, String user, String password, Workload workload,
		int runs, int warmupEvents, int warmupRounds, int lightEvents, double lightRate, long backlog, int matchers,
		int hotKey, List<String> jvmArgs, int pgStatements, boolean peer, @Nullable String child) {

	static final String USAGE = """
			Options (all optional):
			  --db h2,postgresql     databases: h2 (file), h2-mem, postgresql (embedded, fsync on)
			  --jdbc-url URL         run on this H2 or PostgreSQL database instead (--user, --password)
			  --events 20000         events of each throughput run
			  --functions 2          functions each event triggers
			  --steps 2              steps each function runs
			  --payload 200          bytes of event data
			  --concurrency 16       worker concurrency
			  --batch 100            events per sendAll in throughput runs
			  --runs 3               measured runs per configuration (the median is reported)
			  --warmup 2000          events each run sends first on its database, unmeasured, 0 for none
			  --warmup-rounds 1      whole throughput runs made first, unmeasured (with --peer, one of each
			                         system per round): the JIT compiles the hot code before the measured runs
			  --light-events 1000    events of each light-load run, 0 for none
			  --light-rate 200       light-load events per second
			  --backlog 0            build up this many queued runs and report heap, instead of the runs above
			  --matchers 0           queue this many runs with a @CancelOn, then time a send of 5,000 deletions
			  --key-limit 0          give every function @Concurrency(limit = N, key = "event.data.user"), 0 for none
			  --keys 1000            users the events are spread over, with --key-limit
			  --hot-key 0            queue this many runs on one key, then time a trickle of events on 100 others
			  --observe false        record fanout's meters in a Prometheus registry and observe sends, runs and
			                         steps with a handler that does nothing: what metrics and tracing cost
			  --jvm-args "-Xmx1g"    options of the JVM started per database
			  --pg-statements 0      print the embedded PostgreSQL's N costliest statements (pg_stat_statements)
			  --peer true            on PostgreSQL, alternate the throughput runs with the same workload run by
			                         db-scheduler (100 ms polling, lock-and-fetch, fanout's threads and pool) and
			                         print both medians and their ratio; false to skip the baseline
			""";

	/**
	 * Parse a command line.
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException for an unknown option or a bad value
	 */
	public static Options parse(String... args) {
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("Expected --name value, not '" + args[i] + "'\n" + USAGE);
			}
			values.put(args[i].substring(2), args[++i]);
		}
		Reader reader = new Reader(values);
		Workload workload = new Workload(reader.integer("events", 20_000), reader.integer("functions", 2),
				reader.integer("steps", 2), reader.integer("payload", 200), reader.integer("concurrency", 16),
				reader.integer("batch", 100), reader.integer("key-limit", 0), reader.integer("keys", 1000));
		Options options = new Options(List.of(reader.text("db", "h2,postgresql").split(",")),
				reader.nullableText("jdbc-url"), reader.text("user", ""), reader.text("password", ""), workload,
				reader.integer("runs", 3), reader.integer("warmup", 2000), reader.integer("warmup-rounds", 1),
				reader.integer("light-events", 1000), Double.parseDouble(reader.text("light-rate", "200")),
				Long.parseLong(reader.text("backlog", "0")), reader.integer("matchers", 0),
				reader.integer("hot-key", 0),
				jvmArgs(reader.text("jvm-args", ""), Boolean.parseBoolean(reader.text("observe", "false"))),
				reader.integer("pg-statements", 0), reader.flag("peer", true), reader.nullableText("child"));
		reader.rejectUnknown();
		return options;
	}

	/** Observing is the child JVM's property, so every engine it builds is observed. */
	private static List<String> jvmArgs(String text, boolean observe) {
		List<String> args = new ArrayList<>(
				Arrays.stream(text.trim().split("\\s+")).filter((arg) -> !arg.isEmpty()).toList());
		if (observe) {
			args.add("-D" + BenchmarkEngines.OBSERVE + "=true");
		}
		return args;
	}

	/**
	 * The command line that runs one target of these options in another JVM.
	 * @param target the target's name
	 * @param original the arguments this process got
	 * @return the arguments for the child
	 */
	static List<String> childArgs(String target, String... original) {
		List<String> args = new ArrayList<>(List.of(original));
		args.add("--child");
		args.add(target);
		return args;
	}

	private static final class Reader {

		private final Map<String, String> values;

		Reader(Map<String, String> values) {
			this.values = new LinkedHashMap<>(values);
		}

		String text(String name, String fallback) {
			String value = this.values.remove(name);
			return (value != null) ? value : fallback;
		}

		@Nullable String nullableText(String name) {
			return this.values.remove(name);
		}

		int integer(String name, int fallback) {
			String value = this.values.remove(name);
			try {
				return (value != null) ? Integer.parseInt(value.replace("_", "")) : fallback;
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("--" + name + " takes a whole number, not '" + value + "'", ex);
			}
		}

		boolean flag(String name, boolean fallback) {
			String value = this.values.remove(name);
			if (value == null) {
				return fallback;
			}
			if (!value.equals("true") && !value.equals("false")) {
				throw new IllegalArgumentException("--" + name + " takes true or false, not '" + value + "'");
			}
			return Boolean.parseBoolean(value);
		}

		void rejectUnknown() {
			if (!this.values.isEmpty()) {
				throw new IllegalArgumentException("Unknown option(s) " + this.values.keySet() + "\n" + USAGE);
			}
		}

	}

}
