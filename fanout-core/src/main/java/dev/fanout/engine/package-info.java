/**
 * The engine: function registry, sending, the worker that claims and executes runs, steps
 * and retries. Internal; not API.
 */
@NullMarked
package dev.fanout.engine;

import org.jspecify.annotations.NullMarked;
