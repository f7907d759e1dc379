/**
 * Sending events: checks, the writes of events and the runs they create, and the matchers
 * they resolve. Internal; not API.
 */
@NullMarked
package dev.fanout.engine.sending;

import org.jspecify.annotations.NullMarked;
