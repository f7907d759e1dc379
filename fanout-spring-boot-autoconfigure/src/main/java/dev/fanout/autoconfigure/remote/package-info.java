/**
 * Applications of functions written with an Inngest SDK, run by fanout: their
 * configuration, the sync at startup and the out-of-band registration endpoint.
 */
@NullMarked
package dev.fanout.autoconfigure.remote;

import org.jspecify.annotations.NullMarked;
