package dev.fanout.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The machine's busy CPU share over a window, as the benchmark reports it: a thread that
 * spins keeps at least one CPU of the machine's busy, and a window too short to hold two
 * samples has no figure.
 */
class CpuSamplerTests {

	private static final Duration SPIN = Duration.ofMillis(400);

	@Test
	void aSpinningThreadKeepsAtLeastItsShareOfTheMachineBusy() throws InterruptedException {
		assumeThat(Files.exists(Path.of("/proc/stat"))).as("Linux").isTrue();
		Instant from;
		Instant to;
		try (CpuSampler sampler = CpuSampler.start()) {
			from = Instant.now();
			Thread spinner = new Thread(() -> {
				long until = System.nanoTime() + SPIN.toNanos();
				while (System.nanoTime() < until) {
					Thread.onSpinWait();
				}
			});
			spinner.start();
			spinner.join();
			to = Instant.now();
			double busy = sampler.busy(from, to);
			int cpus = Runtime.getRuntime().availableProcessors();
			// One spinning CPU of N; the clock-tick granularity takes a little off.
			assertThat(busy).isBetween(0.8 / cpus, 1.0);
			assertThat(sampler.busy(to.plusSeconds(10), to.plusSeconds(20))).isNaN();
		}
	}

}
