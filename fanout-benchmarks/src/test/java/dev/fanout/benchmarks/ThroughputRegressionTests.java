package dev.fanout.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CI regression guard (issue 6): a short end-to-end run on H2 that fails only on a
 * gross regression, a throughput below a third of the figure recorded in
 * {@code recorded-throughput.properties}. Noise on a shared machine does not get near
 * that; a 10x slowdown cannot pass. Up to three attempts, after a warm-up, so that one
 * unlucky run does not fail the build either.
 */
class ThroughputRegressionTests {

	private static final Workload GUARD = new Workload(2000, 2, 2, 200, 16, 100);

	private static final int WARMUP_EVENTS = 1000;

	private static final int ATTEMPTS = 3;

	@Test
	void h2ThroughputStaysAboveAThirdOfTheRecordedFigure() throws IOException {
		double recorded = recordedRunsPerSecond();
		double floor = recorded / 3;
		List<Measurement> attempts = new ArrayList<>();
		try (DatabaseTarget h2 = DatabaseTarget.of("h2", null, "", "", 0)) {
			for (int i = 0; i < ATTEMPTS; i++) {
				Measurement attempt = Trial.throughput(h2, GUARD, WARMUP_EVENTS);
				System.out.println(attempt.format());
				assertThat(attempt.unfinishedRuns()).as("runs that did not complete").isZero();
				attempts.add(attempt);
				if (attempt.runsPerSecond() >= floor) {
					break;
				}
			}
		}
		assertThat(attempts)
			.as("%s on H2: runs/s of each attempt, against a floor of %.0f (a third of the " + "recorded %.0f runs/s)",
					GUARD.describe(), floor, recorded)
			.anySatisfy((attempt) -> assertThat(attempt.runsPerSecond()).isGreaterThanOrEqualTo(floor));
	}

	private static double recordedRunsPerSecond() throws IOException {
		Properties recorded = new Properties();
		try (InputStream in = ThroughputRegressionTests.class.getResourceAsStream("recorded-throughput.properties")) {
			assertThat(in).as("recorded-throughput.properties").isNotNull();
			recorded.load(in);
		}
		return Double.parseDouble(recorded.getProperty("h2.runs-per-second"));
	}

}
