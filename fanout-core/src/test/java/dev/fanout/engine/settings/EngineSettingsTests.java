package dev.fanout.engine.settings;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Engine settings: a builder whose unset values are the defaults, copies that keep every
 * value, and one check that names the property at fault.
 */
class EngineSettingsTests {

	@Test
	void builderKeepsTheDefaultsOfWhatIsNotSet() {
		EngineSettings settings = EngineSettings.builder("billing").concurrency(3).maxStepsPerRun(7).build();
		assertThat(settings.appId()).isEqualTo("billing");
		assertThat(settings.concurrency()).isEqualTo(3);
		assertThat(settings.limits().maxStepsPerRun()).isEqualTo(7);
		assertThat(settings).usingRecursiveComparison()
			.ignoringFields("appId", "concurrency", "limits.maxStepsPerRun")
			.isEqualTo(EngineSettings.DEFAULTS);
	}

	@Test
	void toBuilderKeepsEveryValue() {
		EngineSettings changed = EngineSettings.builder("billing")
			.workerEnabled(false)
			.concurrency(3)
			.pollInterval(Duration.ofMillis(250))
			.leaseDuration(Duration.ofSeconds(10))
			.shutdownTimeout(Duration.ofSeconds(5))
			.dedupWindow(Duration.ofHours(1))
			.maxPayloadSize(1024)
			.maxEventsPerSend(10)
			.maxStepOutputSize(2048)
			.maxRunOutputSize(4096)
			.maxStepsPerRun(7)
			.maxEventNameLength(32)
			.completedRetention(Duration.ofDays(1))
			.failedRetention(Duration.ofDays(2))
			.tablePrefix("acme_")
			.replayRate(5)
			.replayMaxRuns(50)
			.build();
		assertEveryComponentDiffers(changed, EngineSettings.DEFAULTS);
		assertEveryComponentDiffers(changed.limits(), EngineSettings.DEFAULTS.limits());
		assertThat(changed.toBuilder().build()).isEqualTo(changed);
	}

	@Test
	void rejectsValuesOutOfRangeNamingTheProperty() {
		assertRejected((settings) -> settings.concurrency(0), "fanout.worker.concurrency must be at least 1, not 0");
		assertRejected((settings) -> settings.pollInterval(Duration.ZERO),
				"fanout.worker.poll-interval must be positive");
		assertRejected((settings) -> settings.leaseDuration(Duration.ofMillis(500)),
				"fanout.worker.lease-duration must be at least 1s");
		assertRejected((settings) -> settings.shutdownTimeout(Duration.ofSeconds(-1)),
				"fanout.worker.shutdown-timeout must not be negative");
		assertRejected((settings) -> settings.dedupWindow(Duration.ofSeconds(-1)),
				"fanout.events.dedup-window must not be negative");
		assertRejected((settings) -> settings.completedRetention(Duration.ZERO),
				"fanout.retention.completed must be positive");
		assertRejected((settings) -> settings.failedRetention(Duration.ofDays(-1)),
				"fanout.retention.failed must be positive");
		assertRejected((settings) -> settings.replayRate(0), "fanout.replay.rate must be positive, not 0.0");
		assertRejected((settings) -> settings.replayRate(Double.NaN), "fanout.replay.rate must be positive");
	}

	@Test
	void acceptsZeroShutdownTimeoutAndDedupWindow() {
		EngineSettings settings = EngineSettings.builder("billing")
			.shutdownTimeout(Duration.ZERO)
			.dedupWindow(Duration.ZERO)
			.build();
		assertThat(settings.shutdownTimeout()).isZero();
		assertThat(settings.dedupWindow()).isZero();
	}

	private static void assertRejected(UnaryOperator<EngineSettings.Builder> change, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> change.apply(EngineSettings.builder("billing")).build())
			.withMessageContaining(message);
	}

	private static void assertEveryComponentDiffers(Record changed, Record defaults) {
		for (RecordComponent component : changed.getClass().getRecordComponents()) {
			assertThat(value(component, changed)).as(component.getName()).isNotEqualTo(value(component, defaults));
		}
	}

	private static Object value(RecordComponent component, Record record) {
		try {
			return component.getAccessor().invoke(record);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
