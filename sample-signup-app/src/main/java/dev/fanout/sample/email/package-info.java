/**
 * The {@code send-welcome-email} function, its SMTP mailer and local stand-in, and the
 * switch that simulates an email provider outage.
 */
@NullMarked
package dev.fanout.sample.email;

import org.jspecify.annotations.NullMarked;
