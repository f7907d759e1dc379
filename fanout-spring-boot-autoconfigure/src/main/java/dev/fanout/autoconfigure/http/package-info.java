/**
 * The HTTP event API: {@code POST {base}/e/{eventKey}} accepts events in Inngest's shape,
 * so that applications in any language, and the Inngest SDKs, can send events to fanout.
 * Internal; configured by
 * {@link dev.fanout.autoconfigure.http.FanoutHttpAutoConfiguration}.
 */
@NullMarked
package dev.fanout.autoconfigure.http;

import org.jspecify.annotations.NullMarked;
