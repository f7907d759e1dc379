package dev.fanout.benchmarks.jmh;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.util.ReflectionUtils;

import dev.fanout.Event;
import dev.fanout.benchmarks.BenchmarkFunctions;
import dev.fanout.benchmarks.DatabaseTarget;
import dev.fanout.benchmarks.FreshDatabase;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;

/**
 * The dispatch hand-off, on H2 in memory, one run at a time: from {@code Worker.wake()}
 * to the function being entered (the dispatcher wakes, claims, hands the run to a pool
 * thread, which reads its steps and invokes it), and from a send to the function being
 * entered (the send's transaction included, and the hand-off of its run, started by the
 * send itself, to a thread the send reserved).
 *
 * @since 0.1.0
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DispatchBenchmarks {

	/**
	 * A worker engine that moves only when woken (its poll interval is an hour), and a
	 * sender-only engine on the same database whose sends do not wake it.
	 */
	@State(Scope.Benchmark)
	public static class Engines {

		final Entered function = new Entered();

		DatabaseTarget target;

		FreshDatabase database;

		FanoutEngine worker;

		FanoutEngine sender;

		@Setup(Level.Trial)
		public void start() {
			this.target = DatabaseTarget.of("h2-mem", null, "", "", 0);
			this.database = this.target.create(8);
			EngineSettings settings = EngineSettings.builder("bench").pollInterval(Duration.ofHours(1)).build();
			this.worker = engine(settings);
			this.sender = engine(settings.toBuilder().workerEnabled(false).build());
		}

		private FanoutEngine engine(EngineSettings settings) {
			JacksonPayloadSerializer serializer = new JacksonPayloadSerializer();
			Method method = ReflectionUtils.findMethod(Entered.class, "entered", Event.class);
			FanoutEngine engine = FanoutEngine.builder(this.database.dataSource(), this.database.transactionManager())
				.settings(settings)
				.serializer(serializer)
				.functions(List.of(BenchmarkFunctions.definition("entered", this.function, method, serializer)))
				.build();
			engine.start();
			return engine;
		}

		/**
		 * Let the previous run finish (its end is committed on the pool thread) and arm
		 * the signal, so each sample starts from an idle worker.
		 */
		void idle() {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (this.worker.worker().activeRuns() > 0) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The previous run did not finish");
				}
				LockSupport.parkNanos(20_000);
			}
			this.function.arm();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.sender.stop();
			this.worker.stop();
			this.database.close();
			this.target.close();
		}

	}

	/**
	 * Each sample finds a run queued by the sender-only engine, which nothing announced.
	 */
	@State(Scope.Benchmark)
	public static class Queued extends Engines {

		@Setup(Level.Invocation)
		public void queueOne() {
			idle();
			this.sender.sender().send(BenchmarkFunctions.event(200));
		}

	}

	/**
	 * Each sample starts from an idle worker and an empty queue.
	 */
	@State(Scope.Benchmark)
	public static class Idle extends Engines {

		@Setup(Level.Invocation)
		public void awaitIdle() {
			idle();
		}

	}

	@Benchmark
	public void wakeToStart(Queued engines) throws InterruptedException {
		engines.worker.worker().wake();
		engines.function.await();
	}

	@Benchmark
	public void sendToStart(Idle engines) throws InterruptedException {
		engines.worker.sender().send(BenchmarkFunctions.event(200));
		engines.function.await();
	}

	/**
	 * The function: signals that it was entered.
	 */
	static final class Entered {

		private volatile CountDownLatch entered = new CountDownLatch(1);

		void arm() {
			this.entered = new CountDownLatch(1);
		}

		void await() throws InterruptedException {
			if (!this.entered.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The function was not entered within 10 s");
			}
		}

		public void entered(Event event) {
			this.entered.countDown();
		}

	}

}
