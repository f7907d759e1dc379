package dev.fanout.engine.event;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fanout.Event;
import dev.fanout.store.NewWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Matches found by key: which expressions qualify, and keys that are equal exactly when
 * SpEL's {@code ==} is true.
 */
class MatchKeysTests {

	@Test
	void anEqualityBetweenAsyncAndEventQualifiesEitherWayRound() {
		assertThat(MatchKeys.equality("async.data.id == event.data.user.id"))
			.hasValue(new MatchKeys.Equality("data.id", "data.user.id"));
		assertThat(MatchKeys.equality(" event.data.user.id==async.data.id "))
			.hasValue(new MatchKeys.Equality("data.id", "data.user.id"));
		assertThat(MatchKeys.equality("async.data.id == async.data.other")).isEmpty();
		assertThat(MatchKeys.equality("async.data.id != event.data.id")).isEmpty();
		assertThat(MatchKeys.equality("async.data.id == event.data.id && async.name == 'x'")).isEmpty();
		assertThat(MatchKeys.equality("async.data.id == 7")).isEmpty();
		assertThat(MatchKeys.equality(null)).isEmpty();
	}

	@Test
	void numbersAreKeyedByValueAndOtherTypesApart() {
		Map<String, Object> data = new HashMap<>();
		data.put("int", 7);
		data.put("long", 7L);
		data.put("double", 7.0);
		data.put("text", "7");
		data.put("flag", true);
		data.put("none", null);
		data.put("list", List.of(7));
		Map<String, Object> event = EventExpressions.asMap(Event.of("app/x", data));
		assertThat(MatchKeys.keyAt(event, "data.int")).isEqualTo("n:7")
			.isEqualTo(MatchKeys.keyAt(event, "data.long"))
			.isEqualTo(MatchKeys.keyAt(event, "data.double"));
		assertThat(MatchKeys.keyAt(event, "data.text")).isEqualTo("s:7");
		assertThat(MatchKeys.keyAt(event, "data.flag")).isEqualTo("b:true");
		assertThat(MatchKeys.keyAt(event, "data.none")).isEqualTo("null")
			.isEqualTo(MatchKeys.keyAt(event, "data.missing"));
		assertThat(MatchKeys.keyAt(event, "data.list")).as("no key: left to the expression").isNull();
		assertThat(MatchKeys.keyAt(event, "data.missing.deeper")).as("SpEL fails on null: never true").isNull();
		assertThat(MatchKeys.keyAt(event, "data.text.length")).isNull();
		assertThat(MatchKeys.keyAt(EventExpressions.asMap(Event.of("app/x", Map.of("long", "x".repeat(600)))),
				"data.long"))
			.isNull();
	}

	@Test
	void aMatcherIsKeyedByItsTriggersValue() {
		NewWait wait = NewWait.forCancel("run-1", "cancel-0", "app/user.deleted", "async.data.id == event.data.user.id",
				Instant.EPOCH);
		Map<String, Object> trigger = EventExpressions
			.asMap(Event.of("app/user.signup", Map.of("user", Map.of("id", 7))));
		NewWait keyed = MatchKeys.keyed(wait, trigger);
		assertThat(keyed.matchOn()).isEqualTo("data.id");
		assertThat(keyed.matchKey()).isEqualTo("n:7");
		assertThat(MatchKeys.keyed(wait, EventExpressions.asMap(Event.of("app/user.signup", Map.of()))))
			.as("no user: the expression can never be true, and the matcher stays as it is")
			.isEqualTo(wait);
	}

}
