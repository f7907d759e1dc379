/**
 * JMH benchmarks of the engine's in-process costs: a memoized step hit, a step miss with
 * its write, event serialization and the dispatch hand-off. Not API.
 */
@NullMarked
package dev.fanout.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
