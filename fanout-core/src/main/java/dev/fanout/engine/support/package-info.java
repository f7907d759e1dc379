/**
 * What every part of the engine uses: retries of transient database failures, transaction
 * callbacks, error records. Internal; not API.
 */
@NullMarked
package dev.fanout.engine.support;

import org.jspecify.annotations.NullMarked;
