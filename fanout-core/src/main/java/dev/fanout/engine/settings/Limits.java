package dev.fanout.engine.settings;

/**
 * Size limits, enforced with errors that name the limit. The defaults are those of
 * {@link EngineSettings#DEFAULTS}.
 *
 * @param maxPayloadSize the largest event (data and user JSON) in bytes
 * @param maxEventsPerSend the most events in one send
 * @param maxStepOutputSize the largest step output JSON in bytes
 * @param maxRunOutputSize the largest run output JSON in bytes
 * @param maxStepsPerRun the most steps in one run
 * @param maxEventNameLength the longest event name in characters
 */
public record Limits(long maxPayloadSize, int maxEventsPerSend, long maxStepOutputSize, long maxRunOutputSize,
		int maxStepsPerRun, int maxEventNameLength) {

}
