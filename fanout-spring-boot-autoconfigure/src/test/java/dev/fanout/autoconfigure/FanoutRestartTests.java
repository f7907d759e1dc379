package dev.fanout.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.fanout.EventFunction;
import dev.fanout.EventSender;
import dev.fanout.FanoutAdmin;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing an application while a step runs and starting it again on the same database:
 * the run resumes from its last committed step.
 */
class FanoutRestartTests {

	private static final AtomicInteger firstStepCalls = new AtomicInteger();

	private static volatile CountDownLatch release = new CountDownLatch(1);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				FanoutAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"fanout.worker.poll-interval=100ms", "fanout.worker.shutdown-timeout=200ms")
		.withUserConfiguration(TwoSteps.class);

	@Test
	void resumesRunAfterRestartWithoutRepeatingCompletedSteps() {
		String[] runId = new String[1];
		this.runner.run((first) -> {
			runId[0] = first.getBean(EventSender.class).send("app/job", Map.of()).runIds().get(0);
			FanoutAdmin admin = first.getBean(FanoutAdmin.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> admin.run(runId[0]).orElseThrow().steps(),
						(steps) -> steps.size() == 1 && steps.get(0).status() == StepStatus.COMPLETED);
		});
		// The first context is closed while "second" blocked: the step was interrupted
		// and the run handed back.
		this.runner.run((restarted) -> {
			FanoutAdmin admin = restarted.getBean(FanoutAdmin.class);
			assertThat(admin.run(runId[0]).orElseThrow().status()).isIn(RunStatus.QUEUED, RunStatus.RUNNING);
			release.countDown();
			RunInfo run = await().atMost(Duration.ofSeconds(10))
				.until(() -> admin.run(runId[0]).orElseThrow(), (r) -> r.status().isFinal());
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.output()).isEqualTo("\"first+second\"");
			assertThat(firstStepCalls).hasValue(1);
			assertThat(run.steps()).extracting("key").containsExactly("first", "second");
		});
	}

	static class TwoSteps {

		@EventFunction(id = "two-steps", event = "app/job")
		String run(StepContext step) {
			String first = step.run("first", () -> {
				firstStepCalls.incrementAndGet();
				return "first";
			});
			String second = step.run("second", () -> {
				release.await();
				return "second";
			});
			return first + "+" + second;
		}

	}

}
