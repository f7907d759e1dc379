package dev.fanout.autoconfigure.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.StringUtils;

/**
 * The event keys a request may carry, checked in constant time so that response times
 * tell an attacker nothing about a key.
 */
final class EventKeys {

	private static final Logger logger = LoggerFactory.getLogger(EventKeys.class);

	/** Shorter keys can be guessed; the API still serves them, with a warning. */
	static final int MIN_KEY_LENGTH = 16;

	private final List<byte[]> keys;

	EventKeys(List<String> keys) {
		this.keys = usable(keys).stream().map((key) -> key.getBytes(StandardCharsets.UTF_8)).toList();
		if (this.keys.isEmpty()) {
			throw new IllegalArgumentException("fanout.http.event-keys must hold at least one key");
		}
		long tooShort = usable(keys).stream().filter((key) -> key.length() < MIN_KEY_LENGTH).count();
		if (tooShort > 0) {
			logger.warn("fanout.http.event-keys has {} key(s) shorter than {} characters: use long random keys",
					tooShort, MIN_KEY_LENGTH);
		}
	}

	/**
	 * The keys that can be used: blank entries (an empty environment variable, say) never
	 * open the API.
	 * @param keys the configured keys
	 * @return the non-blank keys
	 */
	static List<String> usable(List<String> keys) {
		return keys.stream().filter(StringUtils::hasText).toList();
	}

	boolean accepts(@Nullable String candidate) {
		if (candidate == null) {
			return false;
		}
		byte[] given = candidate.getBytes(StandardCharsets.UTF_8);
		boolean accepted = false;
		// Every key is compared, also after a match, so the time taken does not say which
		// key matched. MessageDigest.isEqual takes time by the length of its first
		// argument, the caller's key, never by the length or content of ours.
		for (byte[] key : this.keys) {
			accepted |= MessageDigest.isEqual(given, key);
		}
		return accepted;
	}

}
