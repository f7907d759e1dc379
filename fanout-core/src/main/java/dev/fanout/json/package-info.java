/**
 * The default JSON serializer, on Jackson 3.
 */
@NullMarked
package dev.fanout.json;

import org.jspecify.annotations.NullMarked;
