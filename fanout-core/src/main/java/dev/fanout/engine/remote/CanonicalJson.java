package dev.fanout.engine.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.erdtman.jcs.JsonCanonicalizer;

/**
 * JSON in its RFC 8785 canonical form (JCS): keys sorted by UTF-16 code units, no
 * whitespace, numbers written as ECMAScript does. The SDKs verify a signature over the
 * canonical form of the body they parsed, so fanout sends exactly the bytes it signs, in
 * that form.
 *
 * @since 0.1.0
 */
public final class CanonicalJson {

	private CanonicalJson() {
	}

	/**
	 * The canonical form of a JSON text.
	 * @param json the JSON
	 * @return its canonical UTF-8 bytes
	 * @throws IllegalArgumentException if the text is not JSON
	 */
	public static byte[] of(String json) {
		try {
			return new JsonCanonicalizer(json).getEncodedUTF8();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalArgumentException("Not JSON that can be canonicalized: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The canonical form of a JSON text, as text.
	 * @param json the JSON
	 * @return its canonical form
	 * @throws IllegalArgumentException if the text is not JSON
	 */
	public static String text(String json) {
		return new String(of(json), StandardCharsets.UTF_8);
	}

}
