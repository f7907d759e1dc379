package dev.fanout.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Generated ids: 26 characters of Crockford base 32, unique, and sorted in the order they
 * were generated, even within one millisecond.
 */
class IdsTests {

	@Test
	void idsSortInTheOrderTheyWereGenerated() {
		List<String> ids = IntStream.range(0, 20_000).mapToObj((i) -> Ids.next()).toList();
		assertThat(ids).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void idsAreTwentySixCrockfordCharacters() {
		assertThat(Ids.next()).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
	}

	@Test
	void idsFromManyThreadsAreUniqueAndEachThreadSeesThemRise() throws Exception {
		Set<String> all = ConcurrentHashMap.newKeySet();
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<Future<List<String>>> results = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				results.add(threads.submit(() -> IntStream.range(0, 5_000).mapToObj((i) -> Ids.next()).toList()));
			}
			for (Future<List<String>> result : results) {
				List<String> ids = result.get();
				assertThat(ids).isSorted();
				all.addAll(ids);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(all).hasSize(20_000);
	}

	@Test
	void timeComesFirstSoALaterMillisecondSortsAfterAnyRandomPart() {
		byte[] highest = new byte[10];
		Arrays.fill(highest, (byte) 0xFF);
		String earlier = Ids.encode(1_700_000_000_000L, highest);
		String later = Ids.encode(1_700_000_000_001L, new byte[10]);
		assertThat(earlier).isLessThan(later);
		assertThat(earlier).startsWith("01HF").endsWith("ZZZZZZZZZZZZZZZZ");
		assertThat(later).endsWith("0000000000000000");
	}

	@Test
	void encodingUsesAllEightyRandomBits() {
		Set<String> ids = new HashSet<>();
		for (int bit = 0; bit < 80; bit++) {
			byte[] random = new byte[10];
			random[bit / 8] = (byte) (0x80 >>> (bit % 8));
			ids.add(Ids.encode(0, random).substring(10));
		}
		assertThat(ids).hasSize(80);
	}

	@Test
	void seededIdsAreTheSameForTheSameSeedAndIndex() {
		byte[] entropy = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
		assertThat(Ids.seeded(1_700_000_000_000L, entropy, 3)).isEqualTo(Ids.seeded(1_700_000_000_000L, entropy, 3))
			.hasSize(26);
		assertThat(entropy).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	}

	@Test
	void seededIdAddsTheIndexToTheEntropyAfterTheSeedTime() {
		byte[] entropy = new byte[10];
		entropy[9] = (byte) 0xFF;
		byte[] plusOne = new byte[10];
		plusOne[8] = 1;
		assertThat(Ids.seeded(1_700_000_000_000L, entropy, 0)).isEqualTo(Ids.encode(1_700_000_000_000L, entropy));
		assertThat(Ids.seeded(1_700_000_000_000L, entropy, 1)).isEqualTo(Ids.encode(1_700_000_000_000L, plusOne));
		assertThat(Ids.seeded(1_700_000_000_000L, entropy, 0))
			.startsWith(Ids.encode(1_700_000_000_000L, entropy).substring(0, 10));
	}

	@Test
	void seededIdsOfOneRequestAreDistinctAndSortInRequestOrder() {
		byte[] entropy = { 9, 8, 7, 6, 5, 4, 3, 2, 1, (byte) 0xF0 };
		List<String> ids = IntStream.range(0, 5_000)
			.mapToObj((i) -> Ids.seeded(1_700_000_000_000L, entropy, i))
			.toList();
		assertThat(ids).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void seededEntropyWrapsAroundAtTheTop() {
		byte[] highest = new byte[10];
		Arrays.fill(highest, (byte) 0xFF);
		assertThat(Ids.seeded(0, highest, 1)).isEqualTo(Ids.encode(0, new byte[10]));
	}

	@Test
	void seededRejectsWhatCannotMakeAnId() {
		assertThatIllegalArgumentException().isThrownBy(() -> Ids.seeded(-1, new byte[10], 0))
			.withMessageContaining("milliseconds");
		assertThatIllegalArgumentException().isThrownBy(() -> Ids.seeded(1L << 48, new byte[10], 0))
			.withMessageContaining("milliseconds");
		assertThatIllegalArgumentException().isThrownBy(() -> Ids.seeded(0, new byte[8], 0))
			.withMessageContaining("10 bytes");
	}

}
