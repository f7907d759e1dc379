/**
 * How the engine behaves: its settings and limits, with their defaults. Internal; not
 * API.
 */
@NullMarked
package dev.fanout.engine.settings;

import org.jspecify.annotations.NullMarked;
