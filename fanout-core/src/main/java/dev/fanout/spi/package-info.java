/**
 * What applications may plug in: the payload serializer.
 */
@NullMarked
package dev.fanout.spi;

import org.jspecify.annotations.NullMarked;
