/**
 * The admin HTTP API under {@code {base}/api}: runs, replays, cancellations and
 * functions, with its access rule.
 */
@NullMarked
package dev.fanout.autoconfigure.admin;

import org.jspecify.annotations.NullMarked;
