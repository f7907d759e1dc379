package dev.fanout;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.fanout.internal.Ids;
import dev.fanout.internal.JsonMaps;

/**
 * An event: a name, a JSON object of data, and the id that makes it unique. Immutable.
 * <p>
 * A missing id is generated (sortable and unique) and a missing timestamp is the creation
 * time; a timestamp in the future delays the runs it triggers until then.
 *
 * @since 0.1.0
 */
public final class Event {

	private final String id;

	private final String name;

	private final Map<String, Object> data;

	private final Map<String, Object> user;

	private final Instant ts;

	private final @Nullable String v;

	private Event(Builder builder) {
		this.id = (builder.id != null) ? builder.id : Ids.next();
		this.name = builder.name;
		this.data = Collections.unmodifiableMap(builder.data);
		this.user = Collections.unmodifiableMap(builder.user);
		this.ts = (builder.ts != null) ? builder.ts : Instant.now();
		this.v = builder.v;
	}

	/**
	 * Create an event with the given name and data.
	 * @param name the event name, such as {@code app/user.signup}
	 * @param data a {@code Map}, a record or a POJO; it is converted to a JSON object
	 * @return the event
	 */
	public static Event of(String name, Object data) {
		return builder(name).data(data).build();
	}

	/**
	 * Start building an event.
	 * @param name the event name
	 * @return a builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * The event id, unique within the dedup window.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * The event name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The event data as a JSON object.
	 * @return the data, never {@code null}
	 */
	public Map<String, Object> data() {
		return this.data;
	}

	/**
	 * Information about the user that caused the event, as a JSON object.
	 * @return the user data, empty when none
	 */
	public Map<String, Object> user() {
		return this.user;
	}

	/**
	 * When the event happened.
	 * @return the timestamp
	 */
	public Instant ts() {
		return this.ts;
	}

	/**
	 * The version of the event's schema, if the sender gave one.
	 * @return the version, or {@code null}
	 */
	public @Nullable String v() {
		return this.v;
	}

	/**
	 * A builder with the same values, to derive a changed copy.
	 * @return a builder
	 */
	public Builder toBuilder() {
		return new Builder(this.name).id(this.id).data(this.data).user(this.user).ts(this.ts).v(this.v);
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		return (other instanceof Event that) && this.id.equals(that.id) && this.name.equals(that.name)
				&& this.data.equals(that.data) && this.user.equals(that.user) && this.ts.equals(that.ts)
				&& Objects.equals(this.v, that.v);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.id, this.name);
	}

	@Override
	public String toString() {
		return "Event[id=" + this.id + ", name=" + this.name + "]";
	}

	/**
	 * Builds an {@link Event}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final String name;

		private @Nullable String id;

		private Map<String, Object> data = new LinkedHashMap<>();

		private Map<String, Object> user = new LinkedHashMap<>();

		private @Nullable Instant ts;

		private @Nullable String v;

		private Builder(String name) {
			this.name = Objects.requireNonNull(name, "event name must not be null");
		}

		/**
		 * Set the id; events with an id already seen within the dedup window trigger
		 * nothing.
		 * @param id the id, or {@code null} to generate one
		 * @return this builder
		 */
		public Builder id(@Nullable String id) {
			this.id = id;
			return this;
		}

		/**
		 * Set the data.
		 * @param data a {@code Map}, a record or a POJO that converts to a JSON object
		 * @return this builder
		 */
		public Builder data(@Nullable Object data) {
			this.data = JsonMaps.toMap(data, "data");
			return this;
		}

		/**
		 * Set the user information.
		 * @param user a {@code Map}, a record or a POJO that converts to a JSON object
		 * @return this builder
		 */
		public Builder user(@Nullable Object user) {
			this.user = JsonMaps.toMap(user, "user");
			return this;
		}

		/**
		 * Set the timestamp; a future one delays the runs until then.
		 * @param ts the timestamp, or {@code null} for now
		 * @return this builder
		 */
		public Builder ts(@Nullable Instant ts) {
			this.ts = ts;
			return this;
		}

		/**
		 * Set the schema version.
		 * @param v the version, or {@code null}
		 * @return this builder
		 */
		public Builder v(@Nullable String v) {
			this.v = v;
			return this;
		}

		/**
		 * Build the event.
		 * @return the event
		 */
		public Event build() {
			return new Event(this);
		}

	}

}
