/**
 * What applications may plug in: the payload serializer, and what receives the engine's
 * metrics.
 */
@NullMarked
package dev.fanout.spi;

import org.jspecify.annotations.NullMarked;
