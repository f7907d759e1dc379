package dev.fanout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.testsupport.DisconnectableDataSource;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A run survives its instance: stopped or cut off mid-run, it is finished by another
 * instance on the same database, and completed steps are not run again.
 */
class RecoveryTests {

	private static final Duration LONG_LEASE = Duration.ofSeconds(30);

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void stopLetsTheRunningStepFinishAndHandsTheRunToTheNextInstance(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Checkout checkout = new Checkout();
		TestEngine first = this.fixture.start(db,
				EngineFixture.settings().toBuilder().leaseDuration(LONG_LEASE).build(), checkout);
		String runId = first.send("app/order.placed", Map.of()).runIds().get(0);
		awaiting().until(() -> checkout.charges.get() == 1);
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(first::stop);
		awaiting().until(first.engine().worker()::isStopping);
		checkout.release.countDown();
		awaiting().until(stopped::isDone);
		RunInfo handedBack = first.admin().run(runId).orElseThrow();
		assertThat(handedBack.status()).isEqualTo(RunStatus.QUEUED);
		assertThat(handedBack.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple("reserve", StepStatus.COMPLETED), tuple("charge", StepStatus.COMPLETED));
		Instant restarted = Instant.now();
		TestEngine second = this.fixture.start(db,
				EngineFixture.settings().toBuilder().leaseDuration(LONG_LEASE).build(), checkout);
		RunInfo run = second.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.endedAt()).isBefore(restarted.plus(LONG_LEASE));
		assertThat(run.output()).isEqualTo("\"shipped after charge-1\"");
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(checkout.reserves).hasValue(1);
		assertThat(checkout.charges).hasValue(1);
		assertThat(checkout.shipments).hasValue(1);
	}

	@OnEachDatabase
	void stopInterruptsAStepThatOutlastsTheShutdownTimeoutAndHandsTheRunBack(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Checkout checkout = new Checkout();
		EngineSettings settings = EngineFixture.settings()
			.toBuilder()
			.leaseDuration(LONG_LEASE)
			.shutdownTimeout(Duration.ofMillis(200))
			.build();
		TestEngine first = this.fixture.start(db, settings, checkout);
		String runId = first.send("app/order.placed", Map.of()).runIds().get(0);
		awaiting().until(() -> checkout.charges.get() == 1);
		first.stop();
		assertThat(first.engine().worker().activeRuns()).isZero();
		RunInfo handedBack = first.admin().run(runId).orElseThrow();
		assertThat(handedBack.status()).isEqualTo(RunStatus.QUEUED);
		assertThat(handedBack.steps()).extracting(StepInfo::key).containsExactly("reserve");
		Instant restarted = Instant.now();
		TestEngine second = this.fixture.start(db, settings, checkout);
		RunInfo run = second.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.endedAt()).isBefore(restarted.plus(LONG_LEASE));
		assertThat(run.output()).isEqualTo("\"shipped after charge-2\"");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::attempts)
			.containsExactly(tuple("reserve", 1), tuple("charge", 1), tuple("ship", 1));
		assertThat(checkout.reserves).hasValue(1);
		assertThat(checkout.charges).hasValue(2);
		assertThat(checkout.shipments).hasValue(1);
	}

	@OnEachDatabase
	void expiredLeaseLetsAnotherInstanceTakeOverAndFencesOutTheOldOwner(TestDatabase database) {
		FreshDatabase db = this.fixture.database(database);
		Checkout checkout = new Checkout();
		DisconnectableDataSource firstConnection = new DisconnectableDataSource(db.dataSource());
		EngineSettings settings = EngineFixture.settings().toBuilder().leaseDuration(Duration.ofSeconds(1)).build();
		TestEngine first = this.fixture.start(db, firstConnection, settings, checkout);
		String runId = first.send("app/order.placed", Map.of()).runIds().get(0);
		awaiting().until(() -> checkout.charges.get() == 1);
		// The first instance is cut off mid-step: its heartbeat fails and its lease runs
		// out.
		firstConnection.disconnect();
		TestEngine second = this.fixture.start(db, settings, checkout);
		RunInfo run = second.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"shipped after charge-2\"");
		// The first instance comes back and its step finishes: its late write must be
		// rejected.
		firstConnection.reconnect();
		checkout.release.countDown();
		awaiting().until(() -> first.engine().worker().activeRuns() == 0);
		RunInfo after = second.admin().run(runId).orElseThrow();
		assertThat(after.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(after.output()).isEqualTo(run.output());
		assertThat(after.steps()).extracting(StepInfo::key, StepInfo::output, StepInfo::attempts)
			.containsExactly(tuple("reserve", "\"reserved\"", 1), tuple("charge", "\"charge-2\"", 1),
					tuple("ship", "\"shipped after charge-2\"", 1));
		assertThat(checkout.reserves).hasValue(1);
		assertThat(checkout.charges).hasValue(2);
		assertThat(checkout.shipments).hasValue(1);
	}

	/**
	 * Three steps; the first charge blocks until released (or interrupted).
	 */
	static class Checkout {

		final AtomicInteger reserves = new AtomicInteger();

		final AtomicInteger charges = new AtomicInteger();

		final AtomicInteger shipments = new AtomicInteger();

		final CountDownLatch release = new CountDownLatch(1);

		@EventFunction(id = "checkout", event = "app/order.placed")
		String checkout(StepContext step) {
			step.run("reserve", () -> {
				this.reserves.incrementAndGet();
				return "reserved";
			});
			String charge = step.run("charge", () -> {
				int attempt = this.charges.incrementAndGet();
				if (attempt == 1) {
					this.release.await();
				}
				return "charge-" + attempt;
			});
			return step.run("ship", () -> {
				this.shipments.incrementAndGet();
				return "shipped after " + charge;
			});
		}

	}

}
