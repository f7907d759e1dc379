package dev.fanout.engine.function;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * The keys of flow-control state: the kind of control, the function it belongs to (none
 * for a global one), and the key's value, which an event supplies and so may be of any
 * length: a long one is replaced by its SHA-256, so that every key fits its column.
 */
public final class GateKeys {

	/** The longest value kept as it is. */
	private static final int LONGEST_VALUE = 200;

	private GateKeys() {
	}

	/**
	 * A key.
	 * @param kind the control, such as {@code c1} for the first concurrency limit
	 * @param function {@code app/function}, or {@code null} for a global key
	 * @param value the key's value for an event, empty when the control has no key
	 * @return the key, which fits a column of 512 characters for ids of at most 128
	 */
	public static String of(String kind, @Nullable String function, String value) {
		String kept = (value.length() <= LONGEST_VALUE) ? value : "sha256:" + sha256(value);
		return (function != null) ? kind + ":" + function + ":" + kept : kind + ":" + kept;
	}

	private static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
