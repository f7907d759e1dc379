package dev.fanout.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.EventFunction;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events the engine sends about runs, {@code fanout/function.failed} and
 * {@code fanout/function.finished}, which any function may subscribe to.
 */
class SystemEventTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	@SuppressWarnings("unchecked")
	void failedRunSendsFunctionFailedWithTheRunAndTheError(TestDatabase database) {
		Listeners listeners = new Listeners();
		TestEngine engine = this.fixture.start(database, new OrderFunctions(), listeners);
		SendResult sent = engine.send("app/order.placed", Map.of("order", 7));
		RunInfo charge = engine.awaitRunsByFunction(sent).get("charge-card");
		assertThat(charge.status()).isEqualTo(RunStatus.FAILED);
		RunInfo handler = engine.awaitRunsOf("on-failure", 1).get(0);
		assertThat(handler.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(listeners.failed).singleElement().satisfies((data) -> {
			assertThat(data).containsEntry("function_id", "charge-card").containsEntry("run_id", charge.runId());
			Map<String, Object> event = (Map<String, Object>) data.get("event");
			assertThat(event).containsEntry("id", sent.eventIds().get(0))
				.containsEntry("name", "app/order.placed")
				.containsEntry("data", Map.of("order", 7))
				.containsKey("ts");
			Map<String, Object> error = (Map<String, Object>) data.get("error");
			assertThat(error).containsEntry("name", "java.lang.IllegalStateException")
				.containsEntry("message", "card declined");
			assertThat((String) error.get("stack")).startsWith("java.lang.IllegalStateException: card declined")
				.contains("at dev.fanout.engine.SystemEventTests$OrderFunctions.chargeCard");
		});
	}

	@OnEachDatabase
	void completedRunSendsFunctionFinishedButHandlerRunsSendNothing(TestDatabase database) {
		Listeners listeners = new Listeners();
		TestEngine engine = this.fixture.start(database, new OrderFunctions(), listeners);
		SendResult sent = engine.send("app/order.placed", Map.of("order", 7));
		RunInfo receipt = engine.awaitRunsByFunction(sent).get("send-receipt");
		assertThat(receipt.status()).isEqualTo(RunStatus.COMPLETED);
		engine.awaitRunsOf("on-finish", 1);
		engine.awaitRunsOf("on-failure", 1);
		assertThat(listeners.finished).singleElement().satisfies((data) -> {
			assertThat(data).containsEntry("function_id", "send-receipt")
				.containsEntry("run_id", receipt.runId())
				.containsEntry("result", "receipt 7");
			assertThat(data.get("event")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("name", "app/order.placed");
		});
		// The two handler runs completed too, but system events are not sent about them.
		assertThat(engine.database().count("fanout_runs")).isEqualTo(4);
		assertThat(engine.database().count("fanout_events")).isEqualTo(3);
	}

	@OnEachDatabase
	void runWithATriggerNearThePayloadLimitStillRecordsItsEndAndSendsItsSystemEvents(TestDatabase database) {
		Listeners listeners = new Listeners();
		TestEngine engine = this.fixture.start(database, new OrderFunctions(), listeners);
		String nearTheLimit = "x".repeat(512 * 1024 - 64);
		SendResult sent = engine.send("app/order.placed", Map.of("order", 8, "notes", nearTheLimit));
		Map<String, RunInfo> runs = engine.awaitRunsByFunction(sent);
		assertThat(runs.get("charge-card").status()).isEqualTo(RunStatus.FAILED);
		assertThat(runs.get("send-receipt").status()).isEqualTo(RunStatus.COMPLETED);
		engine.awaitRunsOf("on-failure", 1);
		engine.awaitRunsOf("on-finish", 1);
		assertThat(listeners.failed).singleElement()
			.satisfies((data) -> assertThat(data).containsEntry("run_id", runs.get("charge-card").runId()));
		assertThat(listeners.finished).singleElement()
			.satisfies((data) -> assertThat(data).containsEntry("run_id", runs.get("send-receipt").runId()));
	}

	@OnEachDatabase
	void cronAndInvokedRunsSendTheirOutcomeEventsLikeAnyOther(TestDatabase database) {
		Listeners listeners = new Listeners();
		TestEngine engine = this.fixture.start(database, new Scheduled(), listeners);
		SendResult sent = engine.send("app/report.requested", Map.of());
		engine.awaitRunsByFunction(sent);
		engine.awaitRunsOf("nightly", 1);
		TestEngine.awaiting()
			.until(() -> listeners.finished.stream()
				.map((data) -> data.get("function_id"))
				.toList()
				.containsAll(List.of("nightly", "render", "report")));
		assertThat(listeners.finished).filteredOn((data) -> data.get("function_id").equals("render"))
			.singleElement()
			.satisfies((data) -> assertThat(data).containsEntry("result", "rendered"));
		assertThat(listeners.finished).filteredOn((data) -> data.get("function_id").equals("nightly"))
			.first()
			.satisfies((data) -> assertThat(data.get("event")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("name", SystemEvents.CRON));
	}

	static class Scheduled {

		@EventFunction(id = "nightly", cron = "* * * * * *")
		String nightly() {
			return "ticked";
		}

		@EventFunction(id = "report", event = "app/report.requested")
		String report(StepContext step) {
			return step.invoke("render", "render", Map.of(), String.class);
		}

		@EventFunction(id = "render", event = "app/render.never")
		String render() {
			return "rendered";
		}

	}

	static class OrderFunctions {

		@EventFunction(id = "charge-card", event = "app/order.placed", retries = 0)
		void chargeCard() {
			throw new IllegalStateException("card declined");
		}

		@EventFunction(id = "send-receipt", event = "app/order.placed")
		String sendReceipt(Map<String, Object> data) {
			return "receipt " + data.get("order");
		}

	}

	static class Listeners {

		final List<Map<String, Object>> failed = new CopyOnWriteArrayList<>();

		final List<Map<String, Object>> finished = new CopyOnWriteArrayList<>();

		@EventFunction(id = "on-failure", event = SystemEvents.FUNCTION_FAILED)
		void onFailure(Map<String, Object> data) {
			this.failed.add(data);
		}

		@EventFunction(id = "on-finish", event = SystemEvents.FUNCTION_FINISHED)
		void onFinish(Map<String, Object> data) {
			this.finished.add(data);
		}

	}

}
