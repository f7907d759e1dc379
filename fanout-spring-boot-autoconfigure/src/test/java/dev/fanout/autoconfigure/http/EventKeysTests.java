package dev.fanout.autoconfigure.http;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link EventKeys}.
 */
@ExtendWith(OutputCaptureExtension.class)
class EventKeysTests {

	@Test
	void warnsOfShortKeysNamingTheProperty(CapturedOutput output) {
		new EventKeys(List.of("a-long-random-key-0123456789"));
		assertThat(output).doesNotContain("fanout.http.event-keys");
		new EventKeys(List.of("short", "a-long-random-key-0123456789", "tiny"));
		assertThat(output)
			.contains("fanout.http.event-keys has 2 key(s) shorter than 16 characters: use long random keys");
	}

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
