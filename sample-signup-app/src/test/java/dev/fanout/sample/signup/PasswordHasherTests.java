package dev.fanout.sample.signup;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PasswordHasher}.
 */
class PasswordHasherTests {

	private final PasswordHasher hasher = new PasswordHasher();

	@Test
	void hashIsSaltedPbkdf2ThatMatchesOnlyThePassword() {
		String hash = this.hasher.hash("correct horse battery");

		assertThat(hash).startsWith("pbkdf2-sha256$600000$").doesNotContain("correct horse battery");
		assertThat(hash.split("\\$")).hasSize(4);
		assertThat(this.hasher.matches("correct horse battery", hash)).isTrue();
		assertThat(this.hasher.matches("correct horse batterY", hash)).isFalse();
	}

	@Test
	void samePasswordHashesDifferentlyEachTime() {
		assertThat(this.hasher.hash("correct horse battery")).isNotEqualTo(this.hasher.hash("correct horse battery"));
	}

	@Test
	void doesNotMatchAHashOfAnotherScheme() {
		assertThat(this.hasher.matches("password", "{noop}password")).isFalse();
	}

}
