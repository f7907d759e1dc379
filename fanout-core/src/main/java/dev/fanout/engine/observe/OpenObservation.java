package dev.fanout.engine.observe;

import io.micrometer.observation.Observation;

/**
 * A started observation and its scope, open on the thread that started it: what a run's
 * and a step's scope hold when they are observed.
 *
 * @param observation the observation
 * @param scope its scope on this thread
 */
record OpenObservation(Observation observation, Observation.Scope scope) {

	/**
	 * Start an observation and open its scope on this thread.
	 * @param observation the observation, not started
	 * @return the open observation
	 */
	static OpenObservation start(Observation observation) {
		observation.start();
		return new OpenObservation(observation, observation.openScope());
	}

	/**
	 * Close the scope, then stop the observation.
	 */
	void stop() {
		this.scope.close();
		this.observation.stop();
	}

}
