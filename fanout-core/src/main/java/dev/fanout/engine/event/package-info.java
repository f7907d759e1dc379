/**
 * Events as the engine stores and checks them: system events, payload checks, expressions
 * over events. Internal; not API.
 */
@NullMarked
package dev.fanout.engine.event;

import org.jspecify.annotations.NullMarked;
