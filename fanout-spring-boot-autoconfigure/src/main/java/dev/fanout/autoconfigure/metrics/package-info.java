/**
 * fanout's meters in Micrometer, when a {@code MeterRegistry} is there.
 */
@NullMarked
package dev.fanout.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
