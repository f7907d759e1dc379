package dev.fanout.engine.observe;

import java.util.List;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
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
	 * The finished spans of a name.
	 * @param name the span name
	 * @return the spans, in the order they finished
	 */
	List<SimpleSpan> spans(String name) {
		return this.tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
	}

}
