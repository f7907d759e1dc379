package dev.fanout.internal;

import java.security.SecureRandom;

/**
 * Generates sortable unique ids: 48 bits of epoch milliseconds then 80 random bits, in Crockford
 * base 32 (26 characters), so ids sort by creation time across instances.
 */
public final class Ids {

	private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	private Ids() {
	}

	/**
	 * A new id.
	 * @return the id
	 */
	public static String next() {
		byte[] random = new byte[10];
		RANDOM.nextBytes(random);
		return encode(System.currentTimeMillis(), random);
	}

	static String encode(long millis, byte[] random) {
		char[] out = new char[26];
		long time = millis;
		for (int i = 9; i >= 0; i--) {
			out[i] = ALPHABET[(int) (time & 31)];
			time >>>= 5;
		}
		long high = 0;
		for (int i = 0; i < 5; i++) {
			high = (high << 8) | (random[i] & 0xFF);
		}
		long low = 0;
		for (int i = 5; i < 10; i++) {
			low = (low << 8) | (random[i] & 0xFF);
		}
		for (int i = 17; i >= 10; i--) {
			out[i] = ALPHABET[(int) (high & 31)];
			high >>>= 5;
		}
		for (int i = 25; i >= 18; i--) {
			out[i] = ALPHABET[(int) (low & 31)];
			low >>>= 5;
		}
		return new String(out);
	}

}
