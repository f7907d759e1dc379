package dev.fanout.sample.signup;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.springframework.stereotype.Component;

/**
 * Hashes passwords with the JDK's PBKDF2WithHmacSHA256 and a random 16-byte salt per
 * password.
 * <p>
 * A hash is stored as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (Base64), so the
 * iteration count can be raised later without breaking stored hashes.
 *
 * @since 0.1.0
 */
@Component
public class PasswordHasher {

	private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

	private static final String SCHEME = "pbkdf2-sha256";

	// OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023).
	private static final int ITERATIONS = 600_000;

	private static final int SALT_BYTES = 16;

	private static final int KEY_BITS = 256;

	private final SecureRandom random = new SecureRandom();

	/**
	 * Hash a password with a new salt.
	 * @param password the password in clear
	 * @return the encoded hash
	 */
	public String hash(String password) {
		byte[] salt = new byte[SALT_BYTES];
		this.random.nextBytes(salt);
		byte[] hash = pbkdf2(password, salt, ITERATIONS);
		Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
		return SCHEME + "$" + ITERATIONS + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
	}

	/**
	 * Whether a password matches a stored hash, compared in constant time.
	 * @param password the password in clear
	 * @param encoded a hash made by {@link #hash(String)}
	 * @return whether they match
	 */
	public boolean matches(String password, String encoded) {
		String[] parts = encoded.split("\\$");
		if (parts.length != 4 || !SCHEME.equals(parts[0])) {
			return false;
		}
		Base64.Decoder base64 = Base64.getDecoder();
		byte[] expected = base64.decode(parts[3]);
		byte[] actual = pbkdf2(password, base64.decode(parts[2]), Integer.parseInt(parts[1]));
		return MessageDigest.isEqual(expected, actual);
	}

	private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
		char[] chars = password.toCharArray();
		PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, KEY_BITS);
		try {
			return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ALGORITHM + " is not available in this JDK", ex);
		}
		finally {
			spec.clearPassword();
			Arrays.fill(chars, '\0');
		}
	}

}
