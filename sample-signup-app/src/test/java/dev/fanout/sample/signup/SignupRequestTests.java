package dev.fanout.sample.signup;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link SignupRequest}.
 */
class SignupRequestTests {

	@Test
	void acceptsValidRequest() {
		assertThatNoException().isThrownBy(() -> new SignupRequest("ada@example.com", "12345678").validate());
	}

	@Test
	void rejectsAddressesWithoutAtOrDomainDot() {
		for (String email : new String[] { "ada", "ada@example", "ada@@example.com", "a da@example.com", "@x.io" }) {
			assertThatExceptionOfType(InvalidSignupException.class)
				.isThrownBy(() -> new SignupRequest(email, "12345678").validate())
				.satisfies((ex) -> assertThat(ex.fieldErrors()).containsOnlyKeys("email"));
		}
	}

	@Test
	void rejectsPasswordShorterThanEightCharacters() {
		assertThatExceptionOfType(InvalidSignupException.class)
			.isThrownBy(() -> new SignupRequest("ada@example.com", "1234567").validate())
			.satisfies((ex) -> assertThat(ex.fieldErrors())
				.containsExactly(org.assertj.core.api.Assertions.entry("password", "must be at least 8 characters")));
	}

	@Test
	void normalizesEmailToTrimmedLowerCase() {
		assertThat(new SignupRequest("  Ada@Example.COM ", "12345678").normalizedEmail()).isEqualTo("ada@example.com");
	}

	@Test
	void toStringHidesThePassword() {
		assertThat(new SignupRequest("ada@example.com", "12345678"))
			.hasToString("SignupRequest[email=ada@example.com, password=(hidden)]");
	}

}
