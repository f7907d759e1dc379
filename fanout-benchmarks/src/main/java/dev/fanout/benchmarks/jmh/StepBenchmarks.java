package dev.fanout.benchmarks.jmh;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.StepStatus;
import dev.fanout.benchmarks.DatabaseTarget;
import dev.fanout.benchmarks.FreshDatabase;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.engine.step.StepOutputs;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.internal.Ids;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.store.ClaimedRun;
import dev.fanout.store.NewEvent;
import dev.fanout.store.NewRun;
import dev.fanout.store.StoredEvent;
import dev.fanout.store.StoredStep;
import dev.fanout.store.jdbc.JdbcRunStore;

/**
 * What a step costs in process. A memoized hit restores the stored output (JSON read and,
 * for {@code run(id, Callable)}, loading the stored type by name), as {@code RunState}
 * does on a replay; a miss encodes the output (JSON write, size check, read back) and
 * records it in its own transaction with the lease check, as {@code RunExecutor.saveStep}
 * does, on H2 in memory. The engine's step bookkeeping around them (key, map look-up) is
 * package-private and not measured: it is a hash-map look-up.
 *
 * @since 0.1.0
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StepBenchmarks {

	private static final String FUNCTION = "bench-function-1";

	private static final String OWNER = "bench:jmh";

	/**
	 * A step output as functions return them: a number, as the end-to-end workload's
	 * steps do, or a small record, as a call to a provider would.
	 */
	public record Receipt(String id, String email, int attempt) {
	}

	/**
	 * The stored outputs and the serializer.
	 */
	@State(Scope.Benchmark)
	public static class Outputs {

		@Param({ "int", "record" })
		public String output;

		StepOutputs outputs;

		Object value;

		StepOutputs.Encoded stored;

		ClassLoader loader;

		@Setup
		public void setUp() {
			this.outputs = new StepOutputs(new JacksonPayloadSerializer(), EngineSettings.DEFAULTS.limits());
			this.value = "int".equals(this.output) ? (Object) 42 : new Receipt("cus_Q1w2e3r4t5", "ada@example.com", 1);
			this.stored = this.outputs.encode("step-0", null, this.value);
			this.loader = StepBenchmarks.class.getClassLoader();
		}

	}

	/**
	 * A run held by this benchmark on H2 in memory; a new one for each iteration, so the
	 * step table does not grow without end.
	 */
	@State(Scope.Benchmark)
	public static class Store {

		DatabaseTarget target;

		FreshDatabase database;

		JdbcRunStore store;

		TransactionTemplate transaction;

		RetrySupport retry;

		String runId;

		int next;

		@Setup(Level.Trial)
		public void open() {
			this.target = DatabaseTarget.of("h2-mem", null, "", "", 0);
			this.database = this.target.create(4);
			this.store = JdbcRunStore.create(this.database.dataSource(), "fanout_", "bench");
			this.transaction = new TransactionTemplate(this.database.transactionManager());
			this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			this.retry = RetrySupport.defaults();
		}

		@Setup(Level.Iteration)
		public void claimNewRun() {
			Instant now = Instant.now();
			String seq = Ids.next();
			String eventId = Ids.next();
			NewEvent event = new NewEvent(StoredEvent.of(seq, eventId, "bench/work", now).payload("{}", null), now);
			NewRun run = NewRun.of(Ids.next(), "bench", FUNCTION).triggeredBy(seq, eventId).queued(now, now);
			List<ClaimedRun> claimed = this.transaction.execute((status) -> {
				this.store.insert(List.of(event), List.of(run), List.of());
				// A second later: H2 rounds the stored due time to microseconds, maybe
				// up.
				return this.store.claim(OWNER, List.of(FUNCTION), 1, now.plusSeconds(1), now.plus(Duration.ofHours(1)));
			});
			this.runId = claimed.get(0).id();
			this.next = 0;
		}

		@TearDown(Level.Iteration)
		public void deleteSteps() {
			new JdbcTemplate(this.database.dataSource()).update("DELETE FROM fanout_steps");
		}

		@TearDown(Level.Trial)
		public void close() {
			this.database.close();
			this.target.close();
		}

	}

	@Benchmark
	public Object memoizedStepHit(Outputs outputs) {
		StepOutputs.Encoded stored = outputs.stored;
		return outputs.outputs.restore("step-0", stored.json(), stored.type(), null, outputs.loader);
	}

	@Benchmark
	public Object stepMissWithWrite(Outputs outputs, Store store) {
		int position = store.next++;
		String key = "step-" + position;
		StepOutputs.Encoded encoded = outputs.outputs.encode(key, null, outputs.value);
		Instant now = Instant.now();
		StoredStep row = new StoredStep(key, position, StepStatus.COMPLETED, encoded.json(), encoded.type(), null, null,
				1, null, now, now);
		Boolean saved = store.retry.onTransientFailure(
				() -> store.transaction.execute((status) -> store.store.saveStep(store.runId, OWNER, row)));
		if (!Boolean.TRUE.equals(saved)) {
			throw new IllegalStateException("The benchmark lost its run's lease");
		}
		return encoded.restored();
	}

}
