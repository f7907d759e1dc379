package dev.fanout.engine.flow;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.Idempotency;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Idempotency} (issue 18): one run per key value per period, whatever the event
 * ids; the later events of the period are skipped and counted.
 */
class IdempotencyTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void oneRunPerKeyWithinThePeriodThenAnotherAfterIt(TestDatabase database) {
		Orders orders = new Orders();
		TestEngine engine = this.fixture.start(database, orders);
		SendResult first = engine.send("app/order.paid", Map.of("orderId", 1));
		assertThat(first.runIds()).hasSize(1);
		assertThat(engine.send("app/order.paid", Map.of("orderId", 1)).runIds()).isEmpty();
		assertThat(engine.send("app/order.paid", Map.of("orderId", 1.0)).runIds()).as("1.0 is the key 1").isEmpty();
		SendResult other = engine.send("app/order.paid", Map.of("orderId", 2));
		assertThat(other.runIds()).hasSize(1);
		engine.awaitRuns(first);
		engine.awaitRuns(other);
		assertThat(engine.admin().skippedEvents()).isEqualTo(Map.of("paid", Map.of("idempotency", 2L)));
		// The period is a second: the key admits a run again once it has passed.
		String again = awaiting()
			.until(() -> engine.send("app/order.paid", Map.of("orderId", 1)).runIds(), (runIds) -> !runIds.isEmpty())
			.get(0);
		RunInfo run = engine.awaitRun(again, RunStatus.COMPLETED);
		// The first two run side by side, in either order; the third comes after both.
		assertThat(orders.paid).hasSize(3).endsWith(1);
		assertThat(orders.paid.subList(0, 2)).containsExactlyInAnyOrder(1, 2);
		assertThat(run.createdAt())
			.isAfterOrEqualTo(engine.admin().run(first.runIds().get(0)).orElseThrow().createdAt().plusSeconds(1));
	}

	@OnEachDatabase
	void aSendOfManyEventsAdmitsTheFirstOfEachKey(TestDatabase database) {
		Orders orders = new Orders();
		TestEngine engine = this.fixture.start(database, orders);
		List<Event> events = List.of(Event.of("app/order.paid", Map.of("orderId", 5)),
				Event.of("app/order.paid", Map.of("orderId", 6)), Event.of("app/order.paid", Map.of("orderId", 5)));
		SendResult sent = engine.sender().sendAll(events);
		assertThat(engine.awaitRuns(sent)).extracting(RunInfo::eventId)
			.containsExactly(events.get(0).id(), events.get(1).id());
		assertThat(orders.paid).containsExactlyInAnyOrder(5, 6);
	}

	static class Orders {

		final List<Integer> paid = new CopyOnWriteArrayList<>();

		@EventFunction(id = "paid", event = "app/order.paid")
		@Idempotency(key = "event.data.orderId", period = "1s")
		void paid(Map<String, Object> data) {
			this.paid.add(((Number) data.get("orderId")).intValue());
		}

	}

}
