package dev.fanout.store;

import org.jspecify.annotations.Nullable;

/**
 * A pending matcher found for an arriving event, with the trigger of its run (the
 * {@code event} of the match expression).
 *
 * @param matcher the matcher
 * @param trigger the run with its triggering event
 */
public record PendingWait(NewWait matcher, ClaimedRun trigger) {

	/**
	 * The match expression.
	 * @return the expression, or {@code null}
	 */
	public @Nullable String match() {
		return this.matcher.match();
	}

}
