package dev.fanout.benchmarks;

import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;

/**
 * Builds engines the way an application gets them: default settings but the workload's
 * concurrency, the default serializer, the benchmark's functions.
 *
 * @since 0.1.0
 */
public final class BenchmarkEngines {

	/** The system property that makes engines observed, set by {@code --observe true}. */
	static final String OBSERVE = "fanout.benchmarks.observe";

	private BenchmarkEngines() {
	}

	/**
	 * Build and start an engine on a database.
	 * @param database the database
	 * @param workload the functions, steps and concurrency
	 * @param workerEnabled whether the engine executes runs, or only sends
	 * @return the started engine
	 */
	public static FanoutEngine start(FreshDatabase database, Workload workload, boolean workerEnabled) {
		JacksonPayloadSerializer serializer = new JacksonPayloadSerializer();
		FanoutEngine.Builder builder = FanoutEngine.builder(database.dataSource(), database.transactionManager())
			.settings(EngineSettings.builder("bench")
				.concurrency(workload.concurrency())
				.workerEnabled(workerEnabled)
				.build())
			.serializer(serializer)
			.functions(BenchmarkFunctions.definitions(workload, serializer));
		if (Boolean.getBoolean(OBSERVE)) {
			Observed.instrument(builder);
		}
		FanoutEngine engine = builder.build();
		engine.start();
		return engine;
	}

	/**
	 * The pool size an engine of the given concurrency needs: a connection per run
	 * thread, plus the dispatcher, the heartbeat, PostgreSQL's listener and a sender.
	 * @param workload the workload
	 * @return the pool size
	 */
	public static int poolSize(Workload workload) {
		return workload.concurrency() + 4;
	}

}
