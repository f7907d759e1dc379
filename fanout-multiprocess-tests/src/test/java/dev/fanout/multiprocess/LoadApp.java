package dev.fanout.multiprocess;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.StepContext;

/**
 * The small application the multi-process suite starts several JVMs of: two functions of
 * three steps on each order, a slow one for the shutdown test, and one that halts its
 * JVM. Every step body records that it ran, so the suite can count executions beyond one
 * per step.
 */
@SpringBootApplication
public class LoadApp {

	public static void main(String[] args) throws InterruptedException {
		new SpringApplicationBuilder(LoadApp.class).web(WebApplicationType.NONE).run(args);
		// fanout's threads are daemons: keep the JVM up until it is killed or terminated
		// (SIGTERM runs the shutdown hook, which closes the context gracefully).
		new CountDownLatch(1).await();
	}

	@Component
	static class Orders {

		private final JdbcTemplate jdbc;

		private final String instance = System.getProperty("fanout.instance", "unnamed");

		Orders(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@EventFunction(id = "fulfil-order", event = "load/order.placed", retries = 20)
		String fulfil(StepContext step, RunContext run) {
			return steps(step, run, List.of("reserve", "charge", "ship"));
		}

		@EventFunction(id = "notify-customer", event = "load/order.placed", retries = 20)
		String notifyCustomer(StepContext step, RunContext run) {
			return steps(step, run, List.of("render", "send", "log"));
		}

		@EventFunction(id = "slow-report", event = "load/report.requested", retries = 20)
		String report(Map<String, Object> data, StepContext step, RunContext run) {
			long millis = ((Number) data.get("stepMillis")).longValue();
			for (String name : List.of("gather", "compute", "publish")) {
				step.run(name, () -> {
					record(run.runId(), name);
					// The work of a slow step.
					Thread.sleep(millis);
					return this.instance;
				});
			}
			return "reported";
		}

		/**
		 * Kills whatever JVM runs it, as a native crash or an out-of-memory kill would:
		 * the run can only end as a poison run.
		 */
		@EventFunction(id = "halt-jvm", event = "load/crash.requested", retries = 1)
		void crash(StepContext step, RunContext run) {
			step.run("crash", () -> {
				record(run.runId(), "crash");
				Runtime.getRuntime().halt(137);
			});
		}

		private String steps(StepContext step, RunContext run, List<String> names) {
			for (String name : names) {
				step.run(name, () -> record(run.runId(), name));
			}
			return this.instance;
		}

		private String record(String runId, String step) {
			this.jdbc.update("INSERT INTO executions (run_id, step, instance) VALUES (?, ?, ?)", runId, step,
					this.instance);
			return this.instance;
		}

	}

}
