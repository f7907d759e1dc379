package dev.fanout.engine.function;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fanout.Batch;
import dev.fanout.Concurrency;
import dev.fanout.Debounce;
import dev.fanout.EventFunction;
import dev.fanout.Idempotency;
import dev.fanout.Priority;
import dev.fanout.RateLimit;
import dev.fanout.Singleton;
import dev.fanout.Throttle;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.store.GateLimits;
import dev.fanout.store.RunFlow;
import dev.fanout.testsupport.TestFunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The flow-control annotations are read at startup: a bad value fails it with a message
 * naming the function and the value at fault, and the property override replaces the
 * first concurrency limit or sets one.
 */
class FlowAnnotationsTests {

	@Test
	void readsEveryAnnotation() {
		FlowControl flow = definition(new Everything()).flow();
		assertThat(flow.concurrency()).hasSize(2);
		assertThat(flow.concurrency().get(0).limit()).isEqualTo(5);
		assertThat(flow.concurrency().get(1).scope()).isEqualTo(Concurrency.Scope.GLOBAL);
		assertThat(flow.throttle().limit()).isEqualTo(10);
		assertThat(flow.throttle().period()).isEqualTo(Duration.ofMinutes(1));
		assertThat(flow.throttle().burst()).isEqualTo(3);
		assertThat(flow.rateLimit().period()).isEqualTo(Duration.ofHours(1));
		assertThat(flow.idempotency().period()).isEqualTo(Duration.ofDays(1));
		assertThat(flow.singleton().mode()).isEqualTo(Singleton.Mode.CANCEL);
		assertThat(flow.decidesAtEnqueue()).isTrue();
	}

	@Test
	void aRunsFlowHoldsItsKeysAndPriority() {
		FlowControl flow = definition(new Everything()).flow();
		RunFlow run = flow.runFlow("shop", "everything",
				() -> Map.of("data", Map.of("customerId", "c-1", "plan", "enterprise")));
		assertThat(run.priority()).isEqualTo(120);
		assertThat(run.slot1()).isEqualTo(GateKeys.of("c1", "shop/everything", "c-1"));
		assertThat(run.slot2()).isEqualTo(GateKeys.of("g", null, "stripe"));
		assertThat(run.throttle()).isNotNull();
		assertThat(run.gate()).isEqualTo(run.slot1());
	}

	@Test
	void aPriorityIsClampedToTenMinutesEitherWay() {
		FlowControl flow = definition(new Everything()).flow();
		assertThat(flow.runFlow("shop", "everything", () -> Map.of("data", Map.of("plan", "free"))).priority())
			.isEqualTo(-RunFlow.MAX_PRIORITY);
	}

	@Test
	void thePropertyReplacesTheFirstLimitOrSetsOne() throws Exception {
		assertThat(withOverride(new Everything(), 2).concurrency().get(0).limit()).isEqualTo(2);
		assertThat(withOverride(new Everything(), 2).concurrency().get(0).key()).isNotNull();
		FlowControl plain = withOverride(new Plain(), 3);
		assertThat(plain.concurrency()).hasSize(1);
		assertThat(plain.concurrency().get(0).limit()).isEqualTo(3);
		assertThat(plain.concurrency().get(0).key()).isNull();
		LocalFunctions functions = new LocalFunctions(List.of(definition(new Plain(), 3)));
		assertThat(functions.gateLimits()).containsKey("plain");
		assertThat(functions.gateLimits().get("plain").slot1()).isEqualTo(3);
		assertThat(functions.gateLimits().get("plain")).isNotEqualTo(GateLimits.NONE);
	}

	@Test
	void badValuesNameTheFunctionAndTheValue() {
		refused(new ThreeLimits(), "'three'", "it has 3 @Concurrency; at most two are allowed");
		refused(new ZeroLimit(), "'zero'", "@Concurrency limit must be at least 1, not 0");
		refused(new GlobalWithoutKey(), "'global'", "@Concurrency with scope GLOBAL needs a key");
		refused(new BadPeriod(), "'bad-period'", "@Throttle period");
		refused(new BadKey(), "'bad-key'", "@RateLimit key");
		refused(new ShortTimeout(), "'short'", "@Debounce timeout 1s is shorter than its period 5s");
		refused(new HugeBatch(), "'huge'", "@Batch maxSize must be 1 to 1000, not 5000");
		refused(new BatchAndDebounce(), "'mixed'", "@Batch and @Debounce cannot be combined");
		refused(new IdempotentWithoutKey(), "'once'", "@Idempotency needs a key");
	}

	private static void refused(Object bean, String function, String problem) {
		assertThatIllegalStateException().isThrownBy(() -> definition(bean))
			.withMessageContaining(function)
			.withMessageContaining(problem);
	}

	private static FunctionDefinition definition(Object bean) {
		return TestFunctions.definitions(Backoff.defaults(), new JacksonPayloadSerializer(), bean).get(0);
	}

	private static FunctionDefinition definition(Object bean, int concurrency) throws Exception {
		Method method = bean.getClass().getDeclaredMethod("handle");
		EventFunction annotation = method.getAnnotation(EventFunction.class);
		return AnnotatedFunctions.of(annotation.id(), bean, method, annotation,
				new AnnotatedFunctions.Overrides(null, null, concurrency), Backoff.defaults(),
				new JacksonPayloadSerializer());
	}

	private static FlowControl withOverride(Object bean, int concurrency) throws Exception {
		return definition(bean, concurrency).flow();
	}

	static class Everything {

		@EventFunction(id = "everything", event = "shop/order")
		@Concurrency(limit = 5, key = "event.data.customerId")
		@Concurrency(limit = 10, key = "'stripe'", scope = Concurrency.Scope.GLOBAL)
		@Throttle(limit = 10, period = "1m", burst = 3)
		@RateLimit(limit = 1, period = "1h", key = "event.data.customerId")
		@Priority(run = "event.data.plan == 'enterprise' ? 120 : -5000")
		@Idempotency(key = "event.data.orderId")
		@Singleton(key = "event.data.customerId", mode = Singleton.Mode.CANCEL)
		void handle() {
		}

	}

	static class Plain {

		@EventFunction(id = "plain", event = "shop/order")
		void handle() {
		}

	}

	static class ThreeLimits {

		@EventFunction(id = "three", event = "shop/order")
		@Concurrency(limit = 1)
		@Concurrency(limit = 2, key = "event.data.a")
		@Concurrency(limit = 3, key = "event.data.b")
		void handle() {
		}

	}

	static class ZeroLimit {

		@EventFunction(id = "zero", event = "shop/order")
		@Concurrency(limit = 0)
		void handle() {
		}

	}

	static class GlobalWithoutKey {

		@EventFunction(id = "global", event = "shop/order")
		@Concurrency(limit = 2, scope = Concurrency.Scope.GLOBAL)
		void handle() {
		}

	}

	static class BadPeriod {

		@EventFunction(id = "bad-period", event = "shop/order")
		@Throttle(limit = 2, period = "soon")
		void handle() {
		}

	}

	static class BadKey {

		@EventFunction(id = "bad-key", event = "shop/order")
		@RateLimit(limit = 2, period = "1h", key = "event.data.(")
		void handle() {
		}

	}

	static class ShortTimeout {

		@EventFunction(id = "short", event = "shop/order")
		@Debounce(period = "5s", timeout = "1s")
		void handle() {
		}

	}

	static class HugeBatch {

		@EventFunction(id = "huge", event = "shop/order")
		@Batch(maxSize = 5000, timeout = "5s")
		void handle() {
		}

	}

	static class BatchAndDebounce {

		@EventFunction(id = "mixed", event = "shop/order")
		@Batch(maxSize = 10, timeout = "5s")
		@Debounce(period = "5s")
		void handle() {
		}

	}

	static class IdempotentWithoutKey {

		@EventFunction(id = "once", event = "shop/order")
		@Idempotency(key = "")
		void handle() {
		}

	}

}
