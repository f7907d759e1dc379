package dev.fanout.engine.remote;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * A remote application's signing key, {@code signkey-<env>-<hex>}, shared with the app:
 * signs fanout's requests ({@code X-Inngest-Signature: t=<unix s>&s=<hex>}), verifies the
 * app's signed responses, and derives the bearer token the app sends back. Its text never
 * appears in {@link #toString()}, logs or the database.
 *
 * @since 0.1.0
 */
public final class SigningKey {

	/** How far a signature's time may be from now, either way. */
	static final Duration WINDOW = Duration.ofMinutes(5);

	private static final Pattern FORMAT = Pattern.compile("signkey-(\\w+)-([0-9a-fA-F]+)");

	private static final HexFormat HEX = HexFormat.of();

	private final String environment;

	private final byte[] hmacKey;

	private final byte[] bearer;

	private SigningKey(String environment, String hex) {
		this.environment = environment;
		// The SDKs key the HMAC with the text after the prefix, not with its decoded
		// bytes.
		this.hmacKey = hex.getBytes(StandardCharsets.UTF_8);
		this.bearer = ("signkey-" + environment + "-" + HEX.formatHex(sha256(HEX.parseHex(hex))))
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Read a signing key.
	 * @param text the key, {@code signkey-<env>-<hex>}
	 * @return the key
	 * @throws IllegalArgumentException if it is not in that form (the message does not
	 * repeat it)
	 */
	public static SigningKey of(String text) {
		Matcher matcher = FORMAT.matcher((text != null) ? text.trim() : "");
		if (!matcher.matches() || matcher.group(2).length() % 2 != 0) {
			throw new IllegalArgumentException(
					"A signing key must look like signkey-<env>-<hex>, with an even number of hex digits, "
							+ "as the Inngest SDK's INNGEST_SIGNING_KEY does");
		}
		return new SigningKey(matcher.group(1), matcher.group(2));
	}

	/**
	 * The signature header for a body sent now.
	 * @param body the exact bytes sent
	 * @param now the time of sending
	 * @return {@code t=<unix seconds>&s=<hex HMAC-SHA256 over body then t>}
	 */
	public String sign(byte[] body, Instant now) {
		long seconds = now.getEpochSecond();
		return "t=" + seconds + "&s=" + HEX.formatHex(hmac(body, seconds));
	}

	/**
	 * Whether a signature header is this key's over a body, made within five minutes of
	 * now. Compared in constant time.
	 * @param body the bytes received
	 * @param header the {@code X-Inngest-Signature} value, or {@code null}
	 * @param now the time of receipt
	 * @return whether it verifies
	 */
	public boolean verifies(byte[] body, @Nullable String header, Instant now) {
		Signature signature = Signature.parse(header);
		if (signature == null
				|| Duration.between(Instant.ofEpochSecond(signature.seconds()), now).abs().compareTo(WINDOW) > 0) {
			return false;
		}
		return MessageDigest.isEqual(hmac(body, signature.seconds()), signature.mac());
	}

	/**
	 * Whether an {@code Authorization} header carries the bearer token derived from this
	 * key, {@code signkey-<env>-<hex sha256 of the key's bytes>}. Compared in constant
	 * time.
	 * @param authorization the header's value, or {@code null}
	 * @return whether it is this key's bearer
	 */
	public boolean isBearer(@Nullable String authorization) {
		if (authorization == null || !authorization.startsWith("Bearer ")) {
			return false;
		}
		return MessageDigest.isEqual(this.bearer,
				authorization.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The bearer token the app sends with this key.
	 * @return the token, without {@code Bearer }
	 */
	public String bearer() {
		return new String(this.bearer, StandardCharsets.UTF_8);
	}

	private byte[] hmac(byte[] body, long seconds) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.hmacKey, "HmacSHA256"));
			mac.update(body);
			return mac.doFinal(Long.toString(seconds).getBytes(StandardCharsets.US_ASCII));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "signkey-" + this.environment + "-(hidden)";
	}

	/**
	 * A parsed {@code t=..&s=..} header.
	 */
	private record Signature(long seconds, byte[] mac) {

		static @Nullable Signature parse(@Nullable String header) {
			if (header == null) {
				return null;
			}
			Long seconds = null;
			byte[] mac = null;
			for (String part : header.split("&")) {
				try {
					if (part.startsWith("t=")) {
						seconds = Long.parseLong(part.substring(2));
					}
					else if (part.startsWith("s=")) {
						mac = HEX.parseHex(part.substring(2));
					}
				}
				catch (IllegalArgumentException ex) {
					return null;
				}
			}
			return (seconds != null && mac != null) ? new Signature(seconds, mac) : null;
		}

	}

}
