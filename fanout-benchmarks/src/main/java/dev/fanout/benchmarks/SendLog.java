package dev.fanout.benchmarks;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.fanout.SendResult;

/**
 * When each event was sent, and how many runs the sends created.
 */
final class SendLog {

	private final Map<String, Instant> sentAt = new HashMap<>();

	private long runs;

	private Instant first = Instant.MAX;

	private Instant last = Instant.MIN;

	void sent(SendResult result, Instant at) {
		result.eventIds().forEach((id) -> this.sentAt.put(id, at));
		this.runs += result.runIds().size();
		if (at.isBefore(this.first)) {
			this.first = at;
		}
	}

	Instant sentAt(String eventId) {
		Instant at = this.sentAt.get(eventId);
		if (at == null) {
			throw new IllegalStateException(
					"A run belongs to event " + eventId + ", which this benchmark did not send");
		}
		return at;
	}

	boolean has(String eventId) {
		return this.sentAt.containsKey(eventId);
	}

	/**
	 * Note that the last send returned.
	 */
	void done() {
		this.last = Instant.now();
	}

	Instant last() {
		return this.last;
	}

	long events() {
		return this.sentAt.size();
	}

	long runs() {
		return this.runs;
	}

	Instant first() {
		return this.first;
	}

}
