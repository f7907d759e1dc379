package dev.fanout.engine.remote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SigningKeyTests {

	// The known-answer vectors of inngest-protocol.md section 3, checked with the JS
	// SDK's
	// own signer.
	private static final SigningKey KEY = SigningKey.of("signkey-test-" + "ab".repeat(32));

	private static final byte[] BODY = "{\"url\":\"http://127.0.0.1:3939/api/inngest\"}"
		.getBytes(StandardCharsets.UTF_8);

	private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);

	private static final String SIGNATURE = "t=1700000000&s=e403de4c8d6aa54fc22074977da9277c1537d4ae35bb317f2d4cf43ec733e68c";

	@Test
	void signsAsTheSdksDo() {
		assertThat(KEY.sign(BODY, T)).isEqualTo(SIGNATURE);
	}

	@Test
	void derivesTheBearerTheSdksSend() {
		String bearer = "signkey-test-9a2db2e23f1504cd056606553ac049c5e718e8f9ce9233876df1a7a1821af885";
		assertThat(KEY.bearer()).isEqualTo(bearer);
		assertThat(KEY.isBearer("Bearer " + bearer)).isTrue();
		assertThat(KEY.isBearer(bearer)).isFalse();
		assertThat(KEY.isBearer("Bearer undefined")).isFalse();
		assertThat(KEY.isBearer(null)).isFalse();
	}

	@Test
	void verifiesASignatureMadeWithinFiveMinutesEitherWay() {
		assertThat(KEY.verifies(BODY, SIGNATURE, T)).isTrue();
		assertThat(KEY.verifies(BODY, SIGNATURE, T.plus(Duration.ofMinutes(5)))).isTrue();
		assertThat(KEY.verifies(BODY, SIGNATURE, T.minus(Duration.ofMinutes(5)))).isTrue();
		assertThat(KEY.verifies(BODY, SIGNATURE, T.plus(Duration.ofMinutes(10)))).isFalse();
		assertThat(KEY.verifies(BODY, SIGNATURE, T.minus(Duration.ofSeconds(301)))).isFalse();
	}

	@Test
	void refusesAnotherBodyAnotherKeyOrAMalformedHeader() {
		byte[] other = "{\"url\":\"http://127.0.0.1:3939/api/inngesT\"}".getBytes(StandardCharsets.UTF_8);
		assertThat(KEY.verifies(other, SIGNATURE, T)).isFalse();
		assertThat(SigningKey.of("signkey-test-" + "cd".repeat(32)).verifies(BODY, SIGNATURE, T)).isFalse();
		assertThat(KEY.verifies(BODY, null, T)).isFalse();
		assertThat(KEY.verifies(BODY, "t=1700000000", T)).isFalse();
		assertThat(KEY.verifies(BODY, "t=soon&s=e403", T)).isFalse();
		assertThat(KEY.verifies(BODY, "t=1700000000&s=zz", T)).isFalse();
	}

	@Test
	void signsWithTheTextAfterThePrefixNotItsBytes() {
		// Keys of other environments sign with the same hex text: the prefix is not
		// keyed.
		SigningKey production = SigningKey.of("signkey-prod-" + "ab".repeat(32));
		assertThat(production.sign(BODY, T)).isEqualTo(SIGNATURE);
		assertThat(production.bearer()).startsWith("signkey-prod-9a2db2e2");
	}

	@Test
	void refusesAKeyNotInTheSdksFormWithoutRepeatingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> SigningKey.of("secret-abcd"))
			.withMessageContaining("signkey-<env>-<hex>")
			.withMessageNotContaining("secret-abcd");
		assertThatIllegalArgumentException().isThrownBy(() -> SigningKey.of("signkey-test-abc"));
		assertThatIllegalArgumentException().isThrownBy(() -> SigningKey.of("signkey-test-xyz0"));
	}

	@Test
	void neverShowsTheKey() {
		assertThat(KEY).hasToString("signkey-test-(hidden)");
	}

}
