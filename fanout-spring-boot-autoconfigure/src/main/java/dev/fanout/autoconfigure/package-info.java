/**
 * Spring Boot auto-configuration for fanout: properties, schema initialization, the scan
 * for {@link dev.fanout.EventFunction} methods, and the worker's lifecycle.
 */
@NullMarked
package dev.fanout.autoconfigure;

import org.jspecify.annotations.NullMarked;
