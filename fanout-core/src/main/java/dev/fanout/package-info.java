/**
 * The fanout public API: declare functions with {@link dev.fanout.EventFunction}, send
 * events with {@link dev.fanout.EventSender}, write steps with
 * {@link dev.fanout.StepContext} and inspect runs with {@link dev.fanout.FanoutAdmin}.
 */
@NullMarked
package dev.fanout;

import org.jspecify.annotations.NullMarked;
