package dev.fanout.engine.remote;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fanout.engine.event.EventExpressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CelExpressionsTests {

	private static final Map<String, Object> EVENT = Map.of("name", "app/user.signup", "ts", 1_700_000_000_000L, "data",
			Map.of("userId", "u1", "plan", "pro", "seats", 3, "trial", true, "a-b", "x"));

	@Test
	void rewritesTheMatchTheJsSdkBuilds() {
		String spel = CelExpressions.toSpel("event.data.userId == async.data.userId");
		assertThat(spel).isEqualTo("event.data.userId == async.data.userId");
		assertThat(matches(spel, Map.of("data", Map.of("userId", "u1")))).isTrue();
		assertThat(matches(spel, Map.of("data", Map.of("userId", "u2")))).isFalse();
		assertThat(matches(spel, Map.of("data", Map.of()))).isFalse();
	}

	@Test
	void evaluatesLogicComparisonsAndLiterals() {
		assertThat(matches("async.data.amount > 100 && !async.data.refund",
				Map.of("data", Map.of("amount", 150, "refund", false))))
			.isTrue();
		assertThat(matches("async.data.amount >= 100.5 || async.data.vip == true",
				Map.of("data", Map.of("amount", 100, "vip", false))))
			.isFalse();
		assertThat(matches("event.data.plan == \"pro\" && event.data.seats <= 3 && event.data.seats != 4", Map.of()))
			.isTrue();
		assertThat(matches("!(event.data.plan == 'free') && event.data.trial", Map.of())).isTrue();
		assertThat(matches("async.data.note == null && event.data.seats < -1", Map.of("data", Map.of()))).isFalse();
		assertThat(matches("event.data[\"a-b\"] == 'x' && async.ts > 1700000000000", Map.of("ts", 1_700_000_000_001L)))
			.isTrue();
	}

	@Test
	void comparesNumbersOfAnyWidth() {
		assertThat(matches("async.data.id == event.data.seats", Map.of("data", Map.of("id", 3L)))).isTrue();
		assertThat(matches("async.data.id == 3.0", Map.of("data", Map.of("id", 3)))).isTrue();
	}

	@Test
	void keepsQuotesAndEscapesInStrings() {
		assertThat(CelExpressions.toSpel("async.data.s == \"it's \\\"ok\\\"\""))
			.isEqualTo("async.data.s == 'it''s \"ok\"'");
		assertThat(matches("async.data.s == 'caf\\u00e9\\n'", Map.of("data", Map.of("s", "café\n")))).isTrue();
	}

	@Test
	void refusesWhatIsOutsideTheSubsetNamingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> CelExpressions.toSpel("size(event.data.items) > 2"))
			.withMessageContaining("'size' is not known: expressions see event and async")
			.withMessageContaining("fanout evaluates the CEL subset");
		assertThatIllegalArgumentException().isThrownBy(() -> CelExpressions.toSpel("event.data.name.startsWith('a')"))
			.withMessageContaining("function calls such as event.data.name.startsWith(..) are not supported");
		assertThatIllegalArgumentException().isThrownBy(() -> CelExpressions.toSpel("event.data.a + 1 == 2"))
			.withMessageContaining("unexpected '+ 1 == 2'");
		assertThatIllegalArgumentException().isThrownBy(() -> CelExpressions.toSpel("event.data.a in ['x']"))
			.withMessageContaining("unexpected 'in ['x']'");
		assertThatIllegalArgumentException().isThrownBy(() -> CelExpressions.toSpel("event.data.a == 'x"))
			.withMessageContaining("a string is not closed");
		assertThatIllegalArgumentException().isThrownBy(() -> CelExpressions.toSpel("event.data.a == 1u"))
			.withMessageContaining("number suffixes");
		assertThatIllegalArgumentException().isThrownBy(() -> CelExpressions.toSpel("(event.data.a == 1"))
			.withMessageContaining("')' is expected");
		assertThatIllegalArgumentException().isThrownBy(() -> CelExpressions.toSpel("event.data.a =="))
			.withMessageContaining("ends too early");
		assertThatIllegalArgumentException().isThrownBy(() -> CelExpressions.toSpel("T(java.lang.Runtime)"))
			.withMessageContaining("'T' is not known");
	}

	private static boolean matches(String cel, Map<String, Object> async) {
		String spel = CelExpressions.toSpel(cel);
		return EventExpressions.isTrue(EventExpressions.parse(spel), Map.of("event", EVENT, "async", async));
	}

}
