/**
 * Benchmarks of the fanout engine: the end-to-end benchmark ({@link EndToEnd}) on H2 and
 * PostgreSQL, and the shared pieces the JMH benchmarks and the CI regression guard use.
 * Not API.
 */
@NullMarked
package dev.fanout.benchmarks;

import org.jspecify.annotations.NullMarked;
