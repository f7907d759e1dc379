package dev.fanout.autoconfigure.http;

import java.util.Base64;

import org.jspecify.annotations.Nullable;

import dev.fanout.internal.Ids;

/**
 * The seed of the {@value #HEADER} header,
 * {@code <epoch ms>,<base64 of 10 random bytes>}, that the Inngest SDKs send with a
 * request and send again with each retry of it. An event without an id gets one derived
 * from the seed and its index, so a retried request carries the same ids as the first and
 * the dedup window drops what was already stored.
 *
 * @param millis the seed's epoch milliseconds
 * @param entropy the seed's 10 random bytes
 */
record EventIdSeed(long millis, byte[] entropy) {

	static final String HEADER = "x-inngest-event-id-seed";

	private static final String FORMAT = "'<epoch milliseconds>,<base64 of 10 bytes>'";

	/**
	 * Read the header. A malformed seed is refused rather than ignored: its sender wants
	 * retries to be idempotent, and ignoring the seed would quietly make them store
	 * events twice.
	 * @param header the header value, or {@code null} when absent
	 * @return the seed, or {@code null} when the header is absent
	 * @throws EventApiException (400) when the header is malformed
	 */
	static @Nullable EventIdSeed parse(@Nullable String header) {
		if (header == null) {
			return null;
		}
		String[] parts = header.split(",", -1);
		if (parts.length != 2) {
			throw invalid(header);
		}
		try {
			long millis = Long.parseLong(parts[0].trim());
			byte[] entropy = Base64.getDecoder().decode(parts[1].trim());
			// Checks the ranges once, here, rather than at the first event.
			Ids.seeded(millis, entropy, 0);
			return new EventIdSeed(millis, entropy);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(header);
		}
	}

	String idFor(int index) {
		return Ids.seeded(this.millis, this.entropy, index);
	}

	private static EventApiException invalid(String header) {
		return EventApiException.badRequest("header " + HEADER + " must be " + FORMAT + ", not '" + header + "'");
	}

}
