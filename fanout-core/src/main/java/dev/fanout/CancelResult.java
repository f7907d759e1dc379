package dev.fanout;

import java.util.List;

/**
 * The runs a {@link CancelRequest} cancelled.
 *
 * @param runIds the ids of the runs cancelled or asked to stop, oldest first
 * @since 0.1.0
 */
public record CancelResult(List<String> runIds) {

	public CancelResult {
		runIds = List.copyOf(runIds);
	}

	/**
	 * How many runs were cancelled.
	 * @return the count
	 */
	public int count() {
		return this.runIds.size();
	}

}
