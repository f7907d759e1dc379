package dev.fanout.benchmarks;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ReflectionUtils;

import dev.fanout.Concurrency;
import dev.fanout.Event;
import dev.fanout.StepContext;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FlowControl;
import dev.fanout.engine.function.FlowKey;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.function.FunctionInvoker;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.spi.PayloadSerializer;

/**
 * The functions and events of the end-to-end workload. A bean class has a fixed number of
 * {@code @EventFunction} methods, so the definitions are built directly: any number of
 * functions on one trigger, all calling one method that runs the configured number of
 * trivial steps.
 *
 * @since 0.1.0
 */
public final class BenchmarkFunctions {

	/** The event that triggers every benchmark function. */
	public static final String EVENT = "bench/work";

	private BenchmarkFunctions() {
	}

	/**
	 * The definitions of {@code functions} functions triggered by {@link #EVENT}, with
	 * the default retries and backoff.
	 * @param functions how many functions
	 * @param steps how many steps each runs
	 * @param serializer the engine's serializer
	 * @return the definitions
	 */
	public static List<FunctionDefinition> definitions(int functions, int steps, PayloadSerializer serializer) {
		return definitions(new Workload(1, functions, steps, 0, 1, 1), serializer);
	}

	/**
	 * The definitions of a workload's functions, triggered by {@link #EVENT}, with the
	 * default retries and backoff, and its concurrency limit per user if it has one.
	 * @param workload the workload
	 * @param serializer the engine's serializer
	 * @return the definitions
	 */
	public static List<FunctionDefinition> definitions(Workload workload, PayloadSerializer serializer) {
		TrivialSteps bean = new TrivialSteps(workload.steps());
		Method method = Objects
			.requireNonNull(ReflectionUtils.findMethod(TrivialSteps.class, "run", StepContext.class));
		FlowControl flow = (workload.keyLimit() > 0) ? perUser(workload.keyLimit()) : FlowControl.NONE;
		List<FunctionDefinition> definitions = new ArrayList<>();
		for (int i = 1; i <= workload.functions(); i++) {
			String id = "bench-function-" + i;
			definitions.add(
					new FunctionDefinition(id, id, List.of(EVENT), null, 4, RetrySupport.retryableClassifier(List.of()),
							Backoff.defaults(), FunctionInvoker.of(bean, method, serializer),
							"benchmark function " + id, List.of(), null, null, null, flow));
		}
		return definitions;
	}

	/** What {@code @Concurrency(limit = limit, key = "event.data.user")} declares. */
	private static FlowControl perUser(int limit) {
		FlowControl.ConcurrencyLimit concurrency = new FlowControl.ConcurrencyLimit(limit,
				FlowKey.parse("event.data.user", "@Concurrency key"), Concurrency.Scope.FUNCTION);
		return new FlowControl(List.of(concurrency), null, null, null, null, null, null, null);
	}

	/**
	 * The definition of a function triggered by {@link #EVENT}, with the default retries
	 * and backoff.
	 * @param id the function id
	 * @param bean the bean to call
	 * @param method the method to call, whose parameters the engine supports
	 * @param serializer the engine's serializer
	 * @return the definition
	 */
	public static FunctionDefinition definition(String id, Object bean, Method method, PayloadSerializer serializer) {
		return new FunctionDefinition(id, id, List.of(EVENT), null, 4, RetrySupport.retryableClassifier(List.of()),
				Backoff.defaults(), FunctionInvoker.of(bean, method, serializer), "benchmark function " + id);
	}

	/**
	 * A benchmark event whose data is about {@code payloadBytes} bytes of JSON.
	 * @param payloadBytes the data size
	 * @return a new event, with a new id
	 */
	public static Event event(int payloadBytes) {
		return event(payloadBytes, null);
	}

	/**
	 * A benchmark event whose data is about {@code payloadBytes} bytes of JSON, and names
	 * a user.
	 * @param payloadBytes the data size
	 * @param user the user, the key of a concurrency limit, or {@code null} for none
	 * @return a new event, with a new id
	 */
	public static Event event(int payloadBytes, @Nullable String user) {
		// {"payload":"..."} is 14 bytes around the text.
		String payload = "x".repeat(Math.max(0, payloadBytes - 14));
		return Event.of(EVENT, (user != null) ? Map.of("payload", payload, "user", user) : Map.of("payload", payload));
	}

	/**
	 * The one function body: {@code steps} steps that each return a number.
	 */
	static final class TrivialSteps {

		private final int steps;

		TrivialSteps(int steps) {
			this.steps = steps;
		}

		public void run(StepContext step) {
			for (int i = 0; i < this.steps; i++) {
				int n = i;
				step.run("step-" + i, () -> n);
			}
		}

	}

}
