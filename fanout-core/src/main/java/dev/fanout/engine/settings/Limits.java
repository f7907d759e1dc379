package dev.fanout.engine.settings;

/**
 * Size limits, enforced with errors that name the limit.
 *
 * @param maxPayloadSize the largest event (data and user JSON) in bytes
 * @param maxEventsPerSend the most events in one send
 * @param maxStepOutputSize the largest step output JSON in bytes
 * @param maxStepsPerRun the most steps in one run
 * @param maxEventNameLength the longest event name in characters
 */
public record Limits(long maxPayloadSize, int maxEventsPerSend, long maxStepOutputSize, int maxStepsPerRun,
		int maxEventNameLength) {

	/**
	 * The defaults: 512 KiB events, 5,000 events a send, 4 MiB step outputs, 1,000 steps
	 * a run and 256-character names.
	 * @return the default limits
	 */
	public static Limits defaults() {
		return new Limits(512 * 1024, 5000, 4 * 1024 * 1024, 1000, 256);
	}

}
