package dev.fanout.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Samples the whole machine's CPU time ({@code /proc/stat}: the JVM, PostgreSQL and
 * anything else) every 50 ms, so that the share of it that was busy can be read for any
 * window of the run afterwards: a measured phase ends when its last run ended, which is
 * known only once it is over.
 *
 * @since 0.1.0
 */
public final class CpuSampler extends PeriodicSampler {

	private static final Path STAT = Path.of("/proc/stat");

	private final List<Sample> samples = new ArrayList<>();

	private CpuSampler() {
		super("bench-cpu-sampler");
	}

	/**
	 * Start sampling.
	 * @return the running sampler
	 */
	public static CpuSampler start() {
		CpuSampler sampler = new CpuSampler();
		sampler.begin();
		return sampler;
	}

	@Override
	void record() {
		Sample sample = sampleNow();
		if (sample != null) {
			synchronized (this.samples) {
				this.samples.add(sample);
			}
		}
	}

	/**
	 * The share of the machine's CPU time that was busy between the first sample at or
	 * after {@code from} and the last at or before {@code to}.
	 * @param from the start of the window
	 * @param to its end
	 * @return from 0 to 1, or {@code NaN} where {@code /proc/stat} does not exist or the
	 * window holds fewer than two samples
	 */
	public double busy(Instant from, Instant to) {
		@Nullable Sample first = null;
		@Nullable Sample last = null;
		synchronized (this.samples) {
			for (Sample sample : this.samples) {
				if (first == null && !sample.at.isBefore(from)) {
					first = sample;
				}
				if (!sample.at.isAfter(to)) {
					last = sample;
				}
			}
		}
		if (first == null || last == null || last.total <= first.total) {
			return Double.NaN;
		}
		return (double) (last.busy - first.busy) / (last.total - first.total);
	}

	/**
	 * The machine's busy and total CPU time so far, in clock ticks: everything but idle
	 * and I/O wait is busy.
	 * @return the sample, or {@code null} where {@code /proc/stat} cannot be read
	 */
	private static @Nullable Sample sampleNow() {
		try {
			String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
			long total = 0;
			// user nice system idle iowait irq softirq steal: guest time is already in
			// user.
			for (int i = 1; i <= Math.min(8, fields.length - 1); i++) {
				total += Long.parseLong(fields[i]);
			}
			long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
			return new Sample(Instant.now(), total - idle, total);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private record Sample(Instant at, long busy, long total) {

	}

}
