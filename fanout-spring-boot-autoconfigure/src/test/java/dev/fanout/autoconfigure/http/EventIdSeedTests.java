package dev.fanout.autoconfigure.http;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import dev.fanout.internal.Ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EventIdSeed}: the header the Inngest SDKs send, and ids derived from
 * it.
 */
class EventIdSeedTests {

	private static final byte[] ENTROPY = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	@Test
	void readsTheSdkFormatAndDerivesIdsByIndex() {
		EventIdSeed seed = EventIdSeed.parse("1700000000000," + Base64.getEncoder().encodeToString(ENTROPY));
		assertThat(seed).isNotNull();
		assertThat(seed.idFor(0)).isEqualTo(Ids.seeded(1_700_000_000_000L, ENTROPY, 0));
		assertThat(seed.idFor(4)).isEqualTo(Ids.seeded(1_700_000_000_000L, ENTROPY, 4)).isNotEqualTo(seed.idFor(0));
	}

	@Test
	void noHeaderMeansNoSeed() {
		assertThat(EventIdSeed.parse(null)).isNull();
	}

	@Test
	void malformedHeadersAreRefused() {
		String entropy = Base64.getEncoder().encodeToString(ENTROPY);
		for (String header : new String[] { "", "1700000000000", "x," + entropy, "1700000000000,***",
				"1700000000000," + Base64.getEncoder().encodeToString(new byte[8]), "-1," + entropy,
				"1700000000000," + entropy + ",extra" }) {
			assertThatExceptionOfType(EventApiException.class).as(header)
				.isThrownBy(() -> EventIdSeed.parse(header))
				.satisfies((ex) -> assertThat(ex.status()).isEqualTo(HttpStatus.BAD_REQUEST))
				.withMessageContaining(EventIdSeed.HEADER);
		}
	}

}
