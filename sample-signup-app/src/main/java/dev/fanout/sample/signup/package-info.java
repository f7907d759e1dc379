/**
 * Signing up: the {@code POST /signup} endpoint, the user table and the
 * {@code app/user.signup} event it sends in the same transaction.
 */
@NullMarked
package dev.fanout.sample.signup;

import org.jspecify.annotations.NullMarked;
