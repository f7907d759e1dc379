/**
 * JDBC storage: one catalogue of SQL, rendered once per store with its table prefix, and
 * a dialect for what differs between H2 and PostgreSQL. Internal; not API.
 */
@NullMarked
package dev.fanout.store.jdbc;

import org.jspecify.annotations.NullMarked;
