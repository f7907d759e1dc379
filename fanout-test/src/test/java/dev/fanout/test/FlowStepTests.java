package dev.fanout.test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.StepFailedException;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Sleeps, waits, invokes and sends: no mocking of time, no thread waiting. Virtual time
 * jumps to when the engine would resume the run, and the function is invoked again from
 * the top, as the engine does after every pause.
 */
class FlowStepTests {

	private static final Instant START = Instant.parse("2025-01-06T09:00:00Z");

	@Test
	void sleepEndsAtOnceInVirtualTimeAndTheFunctionIsInvokedAgain() {
		DripFunctions functions = new DripFunctions();

		FunctionRun run = FunctionTester.of(functions, "drip").event("app/drip", Map.of()).startingAt(START).execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.elapsed()).isEqualTo(Duration.ofDays(3));
		assertThat(functions.invocations).hasValue(2);
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::status, StepInfo::output)
			.containsExactly(tuple("welcome", StepStatus.COMPLETED, "\"sent\""),
					tuple("wait-3-days", StepStatus.COMPLETED, "\"2025-01-09T09:00:00Z\""),
					tuple("tips", StepStatus.COMPLETED, "\"sent at 2025-01-09T09:00:00Z\""));
		assertThat(run.stepCalls("welcome")).hasSize(1);
	}

	@Test
	void attemptStartsAgainAtZeroForTheWorkAfterAPause() {
		AtomicInteger failures = new AtomicInteger();
		DripFunctions functions = new DripFunctions();

		FunctionRun run = FunctionTester.of(functions, "drip")
			.event("app/drip", Map.of())
			.mockStep("welcome", (call) -> {
				if (failures.incrementAndGet() == 1) {
					throw new IllegalStateException("mail server busy");
				}
				return "sent";
			})
			.execute();

		assertThat(run.stepCalls("welcome")).extracting(StepCall::attempt).containsExactly(0, 1);
		assertThat(run.attempts()).isEqualTo(3);
		assertThat(functions.tipsAttempts).as("RunContext.attempt() in the step after the sleep").containsExactly(0);
	}

	@Test
	void sleepUntilAPastTimeGoesOnWithoutPausing() {
		FunctionRun run = FunctionTester.of(new DripFunctions(), "remind")
			.event("app/remind", Map.of("at", "2025-01-01T00:00:00Z"))
			.startingAt(START)
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.elapsed()).isZero();
	}

	@Test
	void sleepLongerThanAYearFailsTheRun() {
		FunctionRun run = FunctionTester.of(new DripFunctions(), "remind")
			.event("app/remind", Map.of("at", "2027-01-01T00:00:00Z"))
			.startingAt(START)
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).hasMessageContaining("sleepUntil 'until' is").hasMessageContaining("one year");
	}

	@Test
	void sleepCannotBeMocked() {
		FunctionTester tester = FunctionTester.of(new DripFunctions(), "drip")
			.event("app/drip", Map.of())
			.mockStep("wait-3-days", "later");

		assertThatExceptionOfType(AssertionError.class).isThrownBy(tester::execute)
			.withMessageContaining("'wait-3-days' is a sleep, which cannot be mocked");
	}

	@Test
	void waitForEventReceivesTheMockedEventAfterAResume() {
		PaymentFunctions functions = new PaymentFunctions();
		Event paid = Event.of("app/invoice.paid", Map.of("invoiceId", "inv_1", "amount", 4900));

		FunctionRun run = FunctionTester.of(functions, "await-payment")
			.event("app/invoice.sent", Map.of("invoiceId", "inv_1"))
			.mockStep("paid", paid)
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("paid 4900");
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(functions.received).singleElement().satisfies((event) -> {
			assertThat(event.id()).isEqualTo(paid.id());
			assertThat(event.data()).isEqualTo(paid.data());
		});
		assertThat(run.stepCalls("paid")).singleElement()
			.satisfies((call) -> assertThat(call.arguments()).containsExactly("app/invoice.paid", Duration.ofDays(7),
					"async.data.invoiceId == event.data.invoiceId"));
		assertThat(run.elapsed()).isZero();
	}

	@Test
	void waitForEventTimesOutWhenNoEventArrives() {
		FunctionRun run = FunctionTester.of(new PaymentFunctions(), "await-payment")
			.event("app/invoice.sent", Map.of("invoiceId", "inv_1"))
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("reminded");
		assertThat(run.elapsed()).isEqualTo(Duration.ofDays(7));
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::output)
			.containsExactly(tuple("paid", "null"), tuple("remind", "\"reminded\""));
	}

	@Test
	void waitForEventTakesTheFirstIncomingEventItsMatchAccepts() {
		Event otherInvoice = Event.of("app/invoice.paid", Map.of("invoiceId", "inv_2", "amount", 100));
		Event thisInvoice = Event.of("app/invoice.paid", Map.of("invoiceId", "inv_1", "amount", 4900));

		FunctionRun run = FunctionTester.of(new PaymentFunctions(), "await-payment")
			.event("app/invoice.sent", Map.of("invoiceId", "inv_1"))
			.incomingEvent(Event.of("app/invoice.voided", Map.of("invoiceId", "inv_1")), otherInvoice, thisInvoice)
			.execute();

		assertThat(run.output()).isEqualTo("paid 4900");
	}

	@Test
	void mockedEventThatTheMatchRejectsFailsTheTest() {
		FunctionTester tester = FunctionTester.of(new PaymentFunctions(), "await-payment")
			.event("app/invoice.sent", Map.of("invoiceId", "inv_1"))
			.mockStep("paid", Event.of("app/invoice.paid", Map.of("invoiceId", "inv_2")));

		assertThatExceptionOfType(AssertionError.class).isThrownBy(tester::execute)
			.withMessageContaining("The mock of waitForEvent 'paid'")
			.withMessageContaining("the match 'async.data.invoiceId == event.data.invoiceId' is false")
			.withMessageContaining("run test-run of 'await-payment'");
	}

	@Test
	void invokeReturnsTheMockedResultAndTheMockReceivesTheData() {
		PaymentFunctions functions = new PaymentFunctions();

		FunctionRun run = FunctionTester.of(functions, "checkout")
			.event("app/cart.checked-out", Map.of("cents", 4900))
			.mockStep("charge", (call) -> new Receipt("rcpt_" + call.argument(1, Charge.class).cents()))
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("rcpt_4900");
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.stepCalls("charge")).singleElement().satisfies((call) -> {
			assertThat(call.arguments().get(0)).isEqualTo("charge-card");
			assertThat(call.arguments().get(1)).isEqualTo(Map.of("cents", 4900));
			assertThat(call.arguments().get(2)).isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void invokeWhoseMockThrowsFailsTheStepWithoutRetries() {
		AtomicInteger charges = new AtomicInteger();

		FunctionRun run = FunctionTester.of(new PaymentFunctions(), "checkout")
			.event("app/cart.checked-out", Map.of("cents", 4900))
			.mockStep("charge", () -> {
				charges.incrementAndGet();
				throw new IllegalStateException("card declined");
			})
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(charges).hasValue(1);
		assertThat(run.error()).isInstanceOf(StepFailedException.class)
			.hasMessage("Step 'charge' failed: Invoked function 'charge-card' (mocked) failed: "
					+ "java.lang.IllegalStateException: card declined");
		assertThat(run.step("charge").attempts()).isEqualTo(1);
	}

	@Test
	void invokeWithoutAMockFailsTheTestWithAHint() {
		FunctionTester tester = FunctionTester.of(new PaymentFunctions(), "checkout")
			.event("app/cart.checked-out", Map.of("cents", 4900));

		assertThatExceptionOfType(AssertionError.class).isThrownBy(tester::execute)
			.withMessageContaining("Step 'charge' invokes function 'charge-card', which FunctionTester does not run")
			.withMessageContaining("mockStep(\"charge\", result)");
	}

	@Test
	void sentEventsAreRecordedOnceAndTheirIdsReplayed() {
		PaymentFunctions functions = new PaymentFunctions();

		FunctionRun run = FunctionTester.of(functions, "announce")
			.event("app/user.activated", Map.of("id", 3))
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.sentEvents()).singleElement().satisfies((event) -> {
			assertThat(event.name()).isEqualTo("app/welcome.requested");
			assertThat(event.data()).containsEntry("id", 3);
		});
		assertThat(functions.sendResults).hasSize(2);
		assertThat(functions.sendResults.get(1)).isEqualTo(functions.sendResults.get(0));
		assertThat(functions.sendResults.get(0).eventIds()).containsExactly(run.sentEvents().get(0).id());
	}

	@Test
	void sendEventMockReceivesTheEventsAndItsFailureIsRetried() {
		AtomicInteger sends = new AtomicInteger();

		FunctionRun run = FunctionTester.of(new PaymentFunctions(), "announce")
			.event("app/user.activated", Map.of("id", 3))
			.mockStep("send", (call) -> {
				if (sends.incrementAndGet() == 1) {
					throw new IllegalStateException("broker down");
				}
				Event event = call.argument(0, Event.class);
				return new SendResult(List.of(event.id()), List.of("run_of_welcome"));
			})
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.step("send").attempts()).isEqualTo(2);
		assertThat(run.stepOutput("send", SendResult.class).runIds()).containsExactly("run_of_welcome");
	}

	@Test
	void sendEventWithAReservedNameIsRefused() {
		FunctionRun run = FunctionTester.of(new PaymentFunctions(), "impersonate")
			.event("app/user.activated", Map.of())
			.execute();

		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).hasMessageContaining("sendEvent 'fake' was refused")
			.hasMessageContaining("names starting with 'fanout/' are sent by fanout itself");
	}

	record Charge(long cents) {
	}

	record Receipt(String id) {
	}

	static class DripFunctions {

		final AtomicInteger invocations = new AtomicInteger();

		final List<Integer> tipsAttempts = new ArrayList<>();

		@EventFunction(id = "drip", event = "app/drip")
		void drip(StepContext step, RunContext run) {
			this.invocations.incrementAndGet();
			step.run("welcome", () -> "sent");
			step.sleep("wait-3-days", Duration.ofDays(3));
			step.run("tips", () -> {
				this.tipsAttempts.add(run.attempt());
				return "sent at " + START.plus(Duration.ofDays(3));
			});
		}

		@EventFunction(id = "remind", event = "app/remind")
		void remind(StepContext step, Map<String, Object> data) {
			step.sleepUntil("until", Instant.parse((String) data.get("at")));
			step.run("remind", () -> "reminded");
		}

	}

	static class PaymentFunctions {

		final List<Event> received = new ArrayList<>();

		final List<SendResult> sendResults = new ArrayList<>();

		private int announceFailures;

		@EventFunction(id = "await-payment", event = "app/invoice.sent")
		String awaitPayment(StepContext step) {
			Optional<Event> paid = step.waitForEvent("paid", "app/invoice.paid", Duration.ofDays(7),
					"async.data.invoiceId == event.data.invoiceId");
			paid.ifPresent(this.received::add);
			if (paid.isEmpty()) {
				return step.run("remind", () -> "reminded");
			}
			return "paid " + paid.get().data().get("amount");
		}

		@EventFunction(id = "checkout", event = "app/cart.checked-out")
		String checkout(StepContext step, Charge charge) {
			return step.invoke("charge", "charge-card", charge, Receipt.class, Duration.ofMinutes(5)).id();
		}

		@EventFunction(id = "announce", event = "app/user.activated")
		void announce(StepContext step, Map<String, Object> data) {
			this.sendResults.add(step.sendEvent("send", Event.of("app/welcome.requested", data)));
			step.run("audit", () -> {
				if (++this.announceFailures == 1) {
					throw new IllegalStateException("audit log busy");
				}
			});
		}

		@EventFunction(id = "impersonate", event = "app/user.activated")
		void impersonate(StepContext step) {
			step.sendEvent("fake", Event.of("fanout/function.finished", Map.of()));
		}

	}

}
