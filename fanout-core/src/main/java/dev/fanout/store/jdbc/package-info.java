/**
 * JDBC storage with one statements holder per database (H2, PostgreSQL). Internal; not
 * API.
 */
@NullMarked
package dev.fanout.store.jdbc;

import org.jspecify.annotations.NullMarked;
