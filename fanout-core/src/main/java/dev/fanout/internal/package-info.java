/**
 * Internal helpers shared by the public API and the engine; not API, may change without
 * notice.
 */
@NullMarked
package dev.fanout.internal;

import org.jspecify.annotations.NullMarked;
