/**
 * What a signup set off: the runs and steps of a user's signup event, as JSON and as a
 * page.
 */
@NullMarked
package dev.fanout.sample.runs;

import org.jspecify.annotations.NullMarked;
