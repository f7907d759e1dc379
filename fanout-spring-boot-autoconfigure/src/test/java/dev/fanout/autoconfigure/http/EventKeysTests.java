package dev.fanout.autoconfigure.http;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link EventKeys}.
 */
class EventKeysTests {

	@Test
	void acceptsEveryConfiguredKeyAndNothingElse() {
		EventKeys keys = new EventKeys(List.of("old-key", "new-key", "ключ"));
		assertThat(keys.accepts("old-key")).isTrue();
		assertThat(keys.accepts("new-key")).isTrue();
		assertThat(keys.accepts("ключ")).isTrue();
		assertThat(keys.accepts("new-ke")).isFalse();
		assertThat(keys.accepts("new-key ")).isFalse();
		assertThat(keys.accepts("")).isFalse();
		assertThat(keys.accepts(null)).isFalse();
	}

	@Test
	void blankKeysAreNeverUsable() {
		EventKeys keys = new EventKeys(List.of(" ", "", "k"));
		assertThat(keys.accepts(" ")).isFalse();
		assertThat(keys.accepts("")).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> new EventKeys(List.of(" ")));
	}

}
