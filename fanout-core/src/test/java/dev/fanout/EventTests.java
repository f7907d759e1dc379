package dev.fanout;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Events: data and user given as maps, records or POJOs become JSON objects; a missing id
 * and timestamp are filled in.
 */
class EventTests {

	@Test
	void missingIdIsGeneratedAndMissingTimestampIsNow() {
		Instant before = Instant.now();
		Event event = Event.of("app/user.signup", Map.of("email", "ada@example.com"));
		assertThat(event.id()).hasSize(26);
		assertThat(event.ts()).isBetween(before, Instant.now());
		assertThat(event.user()).isEmpty();
		assertThat(event.v()).isNull();
		assertThat(Event.of("app/user.signup", Map.of()).id()).isNotEqualTo(event.id());
	}

	@Test
	void recordDataBecomesAJsonObject() {
		Event event = Event.of("app/user.signup", new Signup(new User(7, "ada@example.com"), List.of("beta")));
		assertThat(event.data())
			.isEqualTo(Map.of("user", Map.of("id", 7, "email", "ada@example.com"), "tags", List.of("beta")));
	}

	@Test
	void dataHasTheJsonTypesItWillHaveWhenReadBackFromStorage() {
		Event event = Event.of("app/order.placed", Map.of("id", 7L, "total", 9.5f, "code", new byte[] { 1, 2 }));
		assertThat(event.data()).isEqualTo(Map.of("id", 7, "total", 9.5, "code", "AQI="));
	}

	@Test
	void nullDataIsAnEmptyObject() {
		assertThat(Event.of("app/ping", null).data()).isEmpty();
	}

	@Test
	void dataThatIsNotAJsonObjectIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Event.of("app/ping", "text"))
			.withMessageContaining("Event data must be a JSON object");
		assertThatIllegalArgumentException().isThrownBy(() -> Event.of("app/ping", List.of(1, 2)))
			.withMessageContaining("Event data must be a JSON object");
		assertThatIllegalArgumentException().isThrownBy(() -> Event.builder("app/ping").user(42))
			.withMessageContaining("Event user must be a JSON object");
	}

	@Test
	void nameIsRequired() {
		assertThatNullPointerException().isThrownBy(() -> Event.builder(null))
			.withMessage("event name must not be null");
	}

	@Test
	void dataIsImmutable() {
		Event event = Event.of("app/ping", Map.of("a", 1));
		assertThat(event.data()).isUnmodifiable();
		assertThat(event.user()).isUnmodifiable();
	}

	@Test
	void toBuilderCopiesEveryField() {
		Event event = Event.builder("app/user.signup")
			.id("signup-1")
			.data(Map.of("a", 1))
			.user(Map.of("ip", "10.0.0.1"))
			.ts(Instant.parse("2026-01-01T00:00:00Z"))
			.v("2")
			.build();
		assertThat(event.toBuilder().build()).isEqualTo(event).hasSameHashCodeAs(event);
		assertThat(event.toBuilder().id("signup-2").build()).isNotEqualTo(event);
		assertThat(event).hasToString("Event[id=signup-1, name=app/user.signup]");
	}

	record User(long id, String email) {
	}

	record Signup(User user, List<String> tags) {
	}

}
