/**
 * Test support shipped in fanout-core's test jar: fresh H2 and PostgreSQL databases,
 * started engines, and function definitions from plain beans.
 */
package dev.fanout.testsupport;
