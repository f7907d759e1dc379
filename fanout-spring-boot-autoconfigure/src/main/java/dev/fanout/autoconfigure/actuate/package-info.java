/**
 * The Actuator endpoint {@code fanout} and the health indicator {@code fanout}, when
 * Actuator is there.
 */
@NullMarked
package dev.fanout.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
