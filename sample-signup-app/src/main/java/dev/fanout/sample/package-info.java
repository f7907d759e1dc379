/**
 * The fanout signup sample application and its settings.
 */
@NullMarked
package dev.fanout.sample;

import org.jspecify.annotations.NullMarked;
