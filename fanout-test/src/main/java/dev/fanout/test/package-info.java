/**
 * Test support for fanout functions. {@link dev.fanout.test.FunctionTester} runs one
 * function in isolation, in memory, with the engine's step semantics and mocked steps;
 * {@link dev.fanout.test.FanoutRuns} awaits runs of a running application in integration
 * tests.
 */
@NullMarked
package dev.fanout.test;

import org.jspecify.annotations.NullMarked;
