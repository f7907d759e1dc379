package dev.fanout.engine.event;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fanout.Event;
import dev.fanout.engine.event.EventExpressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Expressions over events: dotted access into the event's JSON, and false rather than an
 * error for anything that cannot be evaluated.
 */
class EventExpressionsTests {

	private final Event event = Event.builder("app/user.signup")
		.id("signup-1")
		.data(Map.of("user", Map.of("id", 7, "email", "ada@example.com"), "plan", "pro"))
		.build();

	@Test
	void readsNestedDataWithDots() {
		assertThat(isTrue("event.data.user.id == 7")).isTrue();
		assertThat(isTrue("event.data.plan == 'pro' && event.name == 'app/user.signup'")).isTrue();
		assertThat(isTrue("event.id == 'signup-1'")).isTrue();
		assertThat(isTrue("event.data.user.email.endsWith('@example.com')")).isTrue();
		assertThat(isTrue("event.data.plan == 'free'")).isFalse();
	}

	@Test
	void missingKeysReadAsNullAndMissingObjectsMakeTheExpressionFalse() {
		assertThat(isTrue("event.data.coupon == null")).isTrue();
		assertThat(isTrue("event.data.account.id == 7")).isFalse();
		assertThat(isTrue("event.data.plan")).isFalse();
	}

	@Test
	void expressionsCannotReachBeyondTheEvent() {
		assertThat(isTrue("T(java.lang.System).exit(1) == null")).isFalse();
		assertThat(isTrue("new java.io.File('/').exists()")).isFalse();
		assertThat(isTrue("event.data.getClass().forName('java.lang.Runtime') != null")).isFalse();
	}

	@Test
	void expressionThatDoesNotParseIsRejectedWithTheReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventExpressions.parse("event.data.plan =="))
			.withMessageStartingWith("expression 'event.data.plan ==' does not parse:");
	}

	@Test
	void eventAsMapHasTheJsonShapeOfAnEvent() {
		assertThat(EventExpressions.asMap(this.event)).containsOnlyKeys("id", "name", "data", "user", "ts")
			.containsEntry("ts", this.event.ts().toEpochMilli());
	}

	private boolean isTrue(String expression) {
		return EventExpressions.isTrue(EventExpressions.parse(expression), this.event);
	}

}
