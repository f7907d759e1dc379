/**
 * Functions: their definitions, this application's functions, the catalogue of every
 * application's, how they are invoked, their schedules and backoff. Internal; not API.
 */
@NullMarked
package dev.fanout.engine.function;

import org.jspecify.annotations.NullMarked;
