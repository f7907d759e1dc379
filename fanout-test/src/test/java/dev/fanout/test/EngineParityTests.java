package dev.fanout.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same functions run on the real engine (H2) and on the tester end the same way: same
 * status, output, error, invocations, and the same steps with the same keys, statuses,
 * attempts, outputs and errors.
 */
class EngineParityTests {

	private H2Engine engine;

	@AfterEach
	void stopEngine() {
		if (this.engine != null) {
			this.engine.close();
		}
	}

	@Test
	void retriedStepsLoopsAndFailuresOutsideSteps() {
		assertSameOutcome(Functions::new, "app/order.placed", Map.of("items", List.of("a", "b", "c")));
	}

	@Test
	void stepThatFailsForGoodAndIsCaught() {
		assertSameOutcome(Functions::new, "app/payment.due", Map.of());
	}

	@Test
	void stepThatFailsForGoodAndFailsTheRun() {
		assertSameOutcome(Functions::new, "app/import.requested", Map.of());
	}

	@Test
	void sleepsAndSends() {
		assertSameOutcome(Functions::new, "app/user.activated", Map.of("id", 3));
	}

	@Test
	void waitThatTimesOut() {
		assertSameOutcome(Functions::new, "app/invoice.sent", Map.of("invoiceId", "inv_1"));
	}

	@Test
	void refusedSend() {
		assertSameOutcome(Functions::new, "app/impersonate", Map.of());
	}

	private void assertSameOutcome(Supplier<Functions> functions, String eventName, Map<String, Object> data) {
		Event event = Event.of(eventName, data);
		this.engine = H2Engine.start(functions.get());
		SendResult sent = this.engine.send(event);
		assertThat(sent.runIds()).hasSize(1);
		RunInfo onEngine = new FanoutRuns(this.engine.admin()).awaitRunEnded(sent.runIds().get(0));

		FunctionRun inTester = FunctionTester.of(functions.get(), onEngine.functionId()).event(event).execute();
		RunInfo onTester = inTester.toRunInfo();

		assertThat(onTester.status()).as(inTester::toString).isEqualTo(onEngine.status());
		assertThat(onTester.output()).isEqualTo(onEngine.output());
		assertThat(onTester.error()).isEqualTo(onEngine.error());
		assertThat(onTester.attempts()).isEqualTo(onEngine.attempts());
		assertThat(comparable(onTester.steps())).isEqualTo(comparable(onEngine.steps()));
	}

	/**
	 * Steps without their times; sleep outputs are due times and send outputs new event
	 * ids, so of those only their presence.
	 */
	private static List<String> comparable(List<StepInfo> steps) {
		return steps.stream()
			.map((step) -> step.key() + " " + step.status() + " " + step.attempts() + " "
					+ (step.key().equals("nap") || step.key().equals("send") ? (step.output() != null) : step.output())
					+ " " + step.error())
			.toList();
	}

	static class Functions {

		private int parses;

		private int renders;

		private int audits;

		@EventFunction(id = "fulfil", event = "app/order.placed", retries = 3)
		String fulfil(StepContext step, Map<String, Object> data) {
			StringBuilder packed = new StringBuilder();
			for (Object item : (List<?>) data.get("items")) {
				packed.append(step.run("pack", () -> "packed " + item)).append(';');
			}
			int rows = step.run("parse", () -> {
				if (++this.parses <= 2) {
					throw new IllegalStateException("parser busy");
				}
				return 42;
			});
			if (++this.renders == 1) {
				throw new IllegalStateException("template cache cold");
			}
			return packed + " " + rows;
		}

		@EventFunction(id = "collect", event = "app/payment.due", retries = 1)
		String collect(StepContext step) {
			try {
				step.run("charge", () -> {
					throw new IllegalStateException("gateway down");
				});
				return "charged";
			}
			catch (StepFailedException ex) {
				return step.run("send-invoice", () -> "invoiced after " + ex.stepKey() + " failed");
			}
		}

		@EventFunction(id = "import", event = "app/import.requested", retries = 2)
		void importFile(StepContext step) {
			step.run("download", () -> "file-1");
			step.run("parse", () -> {
				throw new IllegalStateException("corrupt file");
			});
		}

		@EventFunction(id = "announce", event = "app/user.activated")
		String announce(StepContext step, Map<String, Object> data) {
			SendResult sent = step.sendEvent("send", Event.of("app/welcome.requested", data));
			step.sleep("nap", Duration.ofMillis(100));
			step.run("audit", () -> {
				if (++this.audits == 1) {
					throw new IllegalStateException("audit log busy");
				}
			});
			return "sent " + sent.eventIds().size();
		}

		@EventFunction(id = "await-payment", event = "app/invoice.sent")
		String awaitPayment(StepContext step) {
			Optional<Event> paid = step.waitForEvent("paid", "app/invoice.paid", Duration.ofMillis(200),
					"async.data.invoiceId == event.data.invoiceId");
			return step.run("after", () -> paid.isPresent() ? "paid" : "reminded");
		}

		@EventFunction(id = "impersonate", event = "app/impersonate")
		void impersonate(StepContext step) {
			step.sendEvent("fake", Event.of("fanout/function.finished", Map.of()));
		}

	}

}
