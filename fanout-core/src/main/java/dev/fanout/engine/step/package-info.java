/**
 * The step semantics of one invocation of a run, written once, over a journal that keeps
 * the run's state: the engine's on the database, the test kit's in memory. Internal; not
 * API.
 */
@NullMarked
package dev.fanout.engine.step;

import org.jspecify.annotations.NullMarked;
