package dev.fanout.engine.observe;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;

/**
 * A test observation registry wired to a {@link SimpleTracer} the way micrometer-tracing
 * wires a real tracer: senders inject the trace context, receivers continue it, and every
 * other observation is a child span.
 */
final class Tracing {

	/** The trace of the requests that {@link #inRequest} plays. */
	static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	final SimpleTracer tracer = new SimpleTracer();

	final TestObservationRegistry registry = TestObservationRegistry.create();

	Tracing() {
		MapPropagator propagator = new MapPropagator(this.tracer);
		this.registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
					new DefaultTracingObservationHandler(this.tracer)));
	}

	/**
	 * Run something as an incoming request of a trace started elsewhere would: inside a
	 * receiver observation that continues {@link #TRACE_ID}. {@code SimpleTracer} gives
	 * ids only to the spans of a trace with a parent, so the spans of the work have ids
	 * to compare.
	 * @param <T> what the work returns
	 * @param work the work
	 * @return what it returned
	 */
	<T> T inRequest(Supplier<T> work) {
		ReceiverContext<Map<String, String>> context = new ReceiverContext<>((carrier, key) -> carrier.get(key));
		context.setCarrier(Map.of(MapPropagator.TRACE_ID, TRACE_ID, MapPropagator.SPAN_ID, "00f067aa0ba902b7"));
		return Observation.createNotStarted("http.server.requests", () -> context, this.registry).observe(work);
	}

	/**
	 * The finished spans of a name.
	 * @param name the span name
	 * @return the spans, in the order they finished
	 */
	List<SimpleSpan> spans(String name) {
		return this.tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
	}

}
