package dev.fanout.internal;

import java.security.SecureRandom;

/**
 * Generates sortable unique ids: 48 bits of epoch milliseconds then 80 random bits, in
 * Crockford base 32 (26 characters), so ids sort by creation time across instances.
 * Within one millisecond (or if the clock steps back) this process counts up from its
 * last id instead of drawing new random bits, so its ids also sort in the order they were
 * made: the runs of one event, created in the same millisecond, list in creation order.
 */
public final class Ids {

	private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final long MAX_MILLIS = (1L << 48) - 1;

	// The parts of the last id, guarded by the class lock.
	private static long lastMillis;

	private static final byte[] lastRandom = new byte[10];

	private Ids() {
	}

	/**
	 * A new id.
	 * @return the id
	 */
	public static synchronized String next() {
		long millis = System.currentTimeMillis();
		if (millis > lastMillis) {
			lastMillis = millis;
			RANDOM.nextBytes(lastRandom);
		}
		else if (!increment(lastRandom)) {
			// 2^80 ids in one millisecond: borrow the next one rather than repeat an id.
			lastMillis++;
		}
		return encode(lastMillis, lastRandom);
	}

	/**
	 * The id a sender derives from a seed, so that resending a request yields the same
	 * ids: the seed's milliseconds, and its 80 bits of entropy plus the index (as an
	 * unsigned big-endian number, wrapping around).
	 * @param millis the seed's epoch milliseconds, 0 to 2^48 - 1
	 * @param entropy the seed's 10 random bytes
	 * @param index the position of the event in its request, from 0
	 * @return the id
	 * @throws IllegalArgumentException if an argument is out of range
	 */
	public static String seeded(long millis, byte[] entropy, int index) {
		if (millis < 0 || millis > MAX_MILLIS) {
			throw new IllegalArgumentException("seed milliseconds must be 0 to " + MAX_MILLIS + ", not " + millis);
		}
		if (entropy.length != 10) {
			throw new IllegalArgumentException("seed entropy must be 10 bytes, not " + entropy.length);
		}
		if (index < 0) {
			throw new IllegalArgumentException("index must not be negative");
		}
		byte[] random = entropy.clone();
		int carry = index;
		for (int i = random.length - 1; i >= 0 && carry != 0; i--) {
			int sum = (random[i] & 0xFF) + (carry & 0xFF);
			random[i] = (byte) sum;
			carry = (carry >>> 8) + (sum >>> 8);
		}
		return encode(millis, random);
	}

	private static boolean increment(byte[] bytes) {
		for (int i = bytes.length - 1; i >= 0; i--) {
			if (++bytes[i] != 0) {
				return true;
			}
		}
		return false;
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
