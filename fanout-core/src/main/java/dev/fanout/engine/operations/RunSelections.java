package dev.fanout.engine.operations;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.function.LocalFunctions;

/**
 * What the operations on many runs at once share: they select the runs of one of this
 * application's functions in a time range, and are refused whole over
 * {@code fanout.replay.max-runs}, rather than cut short, as which runs a cut would leave
 * out could not be told.
 */
final class RunSelections {

	/** Where an open time range ends. */
	private static final Instant FAR_FUTURE = Instant.parse("9999-12-31T00:00:00Z");

	private final LocalFunctions registry;

	private final int maxRuns;

	/**
	 * The selections of an application.
	 * @param registry this application's functions
	 * @param maxRuns the most runs one request may select
	 */
	RunSelections(LocalFunctions registry, int maxRuns) {
		this.registry = registry;
		this.maxRuns = maxRuns;
	}

	/**
	 * One of this application's functions.
	 * @param functionId the function id
	 * @param verb what is done to its runs, such as {@code replayed}
	 * @return the function
	 * @throws IllegalArgumentException if this application has no such function
	 */
	FunctionDefinition function(String functionId, String verb) {
		return ownFunction(this.registry, functionId, verb);
	}

	/**
	 * One of an application's functions.
	 * @param registry the application's functions
	 * @param functionId the function id
	 * @param verb what is done to its runs, such as {@code replayed}
	 * @return the function
	 * @throws IllegalArgumentException if the application has no such function
	 */
	static FunctionDefinition ownFunction(LocalFunctions registry, String functionId, String verb) {
		return registry.get(functionId)
			.orElseThrow(() -> new IllegalArgumentException("No function '" + functionId
					+ "' in this application: only its own functions' runs can be " + verb + " here"));
	}

	/**
	 * Refuse a request that selects too many runs.
	 * @param operation the request's operation, such as {@code replay}
	 * @param functionId the function
	 * @param selected how many runs it selects
	 * @throws IllegalArgumentException if that is more than the limit
	 */
	void refuseIfTooMany(String operation, String functionId, int selected) {
		if (selected > this.maxRuns) {
			throw new IllegalArgumentException("The " + operation + " selects " + selected + " runs of '" + functionId
					+ "', more than fanout.replay.max-runs (" + this.maxRuns + "): narrow it with a time range, or "
					+ "raise the limit");
		}
	}

	/**
	 * The most runs a request may select.
	 * @return the limit
	 */
	int maxRuns() {
		return this.maxRuns;
	}

	static Instant from(@Nullable Instant from) {
		return (from != null) ? from : Instant.EPOCH;
	}

	static Instant to(@Nullable Instant to) {
		return (to != null) ? to : FAR_FUTURE;
	}

}
