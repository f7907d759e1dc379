package dev.fanout.engine.event;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.engine.support.StorableText;

/**
 * Finds the strings of an event that no database stores as they are: a NUL character,
 * which PostgreSQL text refuses, and an unpaired UTF-16 surrogate, which has no UTF-8
 * form and would be stored as {@code ?}, so that two distinct ids could become one.
 */
final class EventStrings {

	private EventStrings() {
	}

	/**
	 * The first field of an event holding a string that cannot be stored as it is.
	 * @param event the event
	 * @return the field and what is wrong with it, such as
	 * {@code data.user.name contains a NUL character}, or {@code null} if there is none
	 */
	static @Nullable String problem(Event event) {
		String problem = problem("name", event.name());
		if (problem == null) {
			problem = problem("id", event.id());
		}
		if (problem == null && event.v() != null) {
			problem = problem("v", event.v());
		}
		if (problem == null) {
			problem = inValue("data", event.data());
		}
		return (problem != null) ? problem : inValue("user", event.user());
	}

	private static @Nullable String inValue(String field, @Nullable Object value) {
		if (value instanceof String text) {
			return problem(field, text);
		}
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				String key = String.valueOf(entry.getKey());
				String problem = problem("a key of " + field, key);
				if (problem == null) {
					problem = inValue(field + "." + key, entry.getValue());
				}
				if (problem != null) {
					return problem;
				}
			}
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				String problem = inValue(field + "[" + i + "]", list.get(i));
				if (problem != null) {
					return problem;
				}
			}
		}
		return null;
	}

	private static @Nullable String problem(String field, String text) {
		int at = StorableText.firstProblem(text);
		return (at < 0) ? null : field + " contains " + StorableText.problemAt(text, at) + " (at " + at + ")";
	}

}
