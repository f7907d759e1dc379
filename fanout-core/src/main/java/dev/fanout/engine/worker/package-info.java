/**
 * The worker: the dispatcher that claims runs, the threads that execute them, claiming
 * ahead, the heartbeat and the timeout sweep. Internal; not API.
 */
@NullMarked
package dev.fanout.engine.worker;

import org.jspecify.annotations.NullMarked;
