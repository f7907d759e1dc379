package dev.fanout.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The db-scheduler baseline of issue 22 runs the benchmark's workload on the embedded
 * PostgreSQL: a tiny workload, checked by what the tasks did rather than by how fast.
 * Commits are not counted: a complete count waits for PostgreSQL's statistics for some 11
 * s before and after the run.
 */
class DbSchedulerBaselineTests {

	private static final Workload TINY = new Workload(50, 2, 2, 200, 16, 20);

	@Test
	void runsEveryTaskOnceWithEveryUnitOfWork() {
		DbSchedulerBaseline.Result result;
		try (DatabaseTarget postgresql = DatabaseTarget.of("postgresql", null, "", "", 0)) {
			result = DbSchedulerBaseline.throughput(postgresql, TINY, 0, false);
		}
		System.out.println(result.measurement().format());
		assertThat(result.tasks()).isEqualTo(TINY.events() * TINY.functions());
		assertThat(result.tasksRunOnce()).as("tasks run exactly once").isEqualTo(result.tasks());
		assertThat(result.workUnits()).isEqualTo((long) TINY.events() * TINY.functions() * TINY.steps());
		assertThat(result.measurement().unfinishedRuns()).isZero();
		assertThat(result.measurement().mode()).isEqualTo(DbSchedulerBaseline.MODE);
		assertThat(result.measurement().runsPerSecond()).isPositive();
		assertThat(result.measurement().walBytesPerRun()).isPositive();
	}

}
