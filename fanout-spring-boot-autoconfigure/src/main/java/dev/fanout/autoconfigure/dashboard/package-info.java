/**
 * The dashboard: server-rendered pages of runs, events and functions, with htmx for live
 * refresh and actions.
 */
@NullMarked
package dev.fanout.autoconfigure.dashboard;

import org.jspecify.annotations.NullMarked;
