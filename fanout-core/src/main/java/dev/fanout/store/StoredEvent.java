package dev.fanout.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event as stored. Built through {@link #of}; the store's row mapper alone uses the
 * constructor.
 *
 * @param seq the storage sequence, which sorts in the order events were stored
 * @param id the event id
 * @param name the name
 * @param data the data JSON
 * @param user the user JSON, or {@code null}
 * @param ts the timestamp
 * @param v the schema version, or {@code null}
 * @param traceContext the sender's trace context as a JSON object of propagation headers,
 * or {@code null} when the send was not observed
 * @since 0.1.0
 */
public record StoredEvent(String seq, String id, String name, String data, @Nullable String user, Instant ts,
		@Nullable String v, @Nullable String traceContext) {

	/**
	 * Start describing a stored event.
	 * @param seq its storage sequence
	 * @param id the event id
	 * @param name the name
	 * @param ts the timestamp
	 * @return a builder whose last call gives the payload
	 */
	public static Builder of(String seq, String id, String name, Instant ts) {
		return new Builder(seq, id, name, ts);
	}

	/**
	 * Builds a {@link StoredEvent}: set the schema version if there is one, then give the
	 * payload.
	 */
	public static final class Builder {

		private final String seq;

		private final String id;

		private final String name;

		private final Instant ts;

		private @Nullable String v;

		private @Nullable String traceContext;

		private Builder(String seq, String id, String name, Instant ts) {
			this.seq = seq;
			this.id = id;
			this.name = name;
			this.ts = ts;
		}

		/**
		 * Set the schema version.
		 * @param v the version, or {@code null} (the default) for none
		 * @return this builder
		 */
		public Builder v(@Nullable String v) {
			this.v = v;
			return this;
		}

		/**
		 * Set the sender's trace context.
		 * @param traceContext the propagation headers as a JSON object, or {@code null}
		 * (the default) for none
		 * @return this builder
		 */
		public Builder traceContext(@Nullable String traceContext) {
			this.traceContext = traceContext;
			return this;
		}

		/**
		 * The event with its payload.
		 * @param data the data JSON
		 * @param user the user JSON, or {@code null}
		 * @return the event
		 */
		public StoredEvent payload(String data, @Nullable String user) {
			return new StoredEvent(this.seq, this.id, this.name, data, user, this.ts, this.v, this.traceContext);
		}

	}

}
