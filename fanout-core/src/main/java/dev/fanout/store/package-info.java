/**
 * The storage seam between the engine and a database. Internal; not API.
 */
@NullMarked
package dev.fanout.store;

import org.jspecify.annotations.NullMarked;
