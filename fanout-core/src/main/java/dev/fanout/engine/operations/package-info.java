/**
 * Operations on runs over time: cron schedules, retention, replays, the admin view.
 * Internal; not API.
 */
@NullMarked
package dev.fanout.engine.operations;

import org.jspecify.annotations.NullMarked;
