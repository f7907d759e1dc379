/**
 * What the engine tells about its work: metrics through
 * {@link dev.fanout.spi.FanoutMetrics}, observations ({@code fanout.send},
 * {@code fanout.run}, {@code fanout.step}) through Micrometer's
 * {@code ObservationRegistry}, with the sender's trace context carried by its events, and
 * the MDC of a run's thread. Internal: not public API.
 */
@NullMarked
package dev.fanout.engine.observe;

import org.jspecify.annotations.NullMarked;
