/**
 * Functions written with the official Inngest SDKs in other applications, run by fanout
 * over HTTP: syncing their definitions, signing requests, and driving their runs with the
 * step memos kept in fanout's tables. Internal; not API.
 */
@NullMarked
package dev.fanout.engine.remote;

import org.jspecify.annotations.NullMarked;
