package dev.fanout.engine;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fanout.CancelOn;
import dev.fanout.EventFunction;
import dev.fanout.Timeouts;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.testsupport.TestFunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code @CancelOn} and {@code @Timeouts} are read at startup: durations in the short
 * form or ISO-8601, and a bad duration or match expression fails with the function named.
 */
class FlowControlDeclarationsTests {

	@Test
	void readsTimeoutsInShortAndIsoForm() {
		List<FunctionDefinition> definitions = definitions(new Timed());
		assertThat(definitions)
			.extracting(FunctionDefinition::id, FunctionDefinition::startTimeout, FunctionDefinition::finishTimeout)
			.containsExactly(tuple("short", Duration.ofMillis(500), Duration.ofSeconds(2)),
					tuple("iso", Duration.ofMinutes(5), Duration.ofMinutes(5)), tuple("untimed", null, null));
	}

	@Test
	void readsRepeatedCancelOn() {
		FunctionDefinition definition = definitions(new Cancellable()).get(0);
		assertThat(definition.cancelOn()).containsExactly(new FunctionDefinition.CancelRule("app/user.deleted",
				"async.data.id == event.data.id", Duration.ofHours(2)),
				new FunctionDefinition.CancelRule("app/shutdown", null, null));
	}

	@Test
	void durationThatDoesNotParseNamesTheFunction() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new BadTimeout()))
			.withMessageContaining("'bad-timeout'")
			.withMessageContaining("bean 'badTimeout' method BadTimeout.handle()")
			.withMessageContaining(
					"@Timeouts finish '5 minutes' is not a duration; write it like 30s, 5m, 2h, 7d or PT5M");
	}

	@Test
	void zeroDurationIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new ZeroCancelTimeout()))
			.withMessageContaining("'zero-cancel-timeout'")
			.withMessageContaining("@CancelOn timeout must be positive, not '0s'");
	}

	@Test
	void cancelOnMatchThatDoesNotParseNamesTheFunction() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new BadCancelMatch()))
			.withMessageContaining("'bad-cancel-match'")
			.withMessageContaining("@CancelOn match expression 'async.data.id ==' does not parse");
	}

	private static List<FunctionDefinition> definitions(Object bean) {
		return TestFunctions.definitions(Backoff.defaults(), new JacksonPayloadSerializer(), bean);
	}

	static class Timed {

		@EventFunction(id = "short", event = "app/a")
		@Timeouts(start = "500ms", finish = "2s")
		void a() {
		}

		@EventFunction(id = "iso", event = "app/b")
		@Timeouts(start = "PT5M", finish = "5m")
		void b() {
		}

		@EventFunction(id = "untimed", event = "app/c")
		void c() {
		}

	}

	static class Cancellable {

		@EventFunction(id = "cancellable", event = "app/a")
		@CancelOn(event = "app/user.deleted", match = "async.data.id == event.data.id", timeout = "2h")
		@CancelOn(event = "app/shutdown")
		void handle() {
		}

	}

	static class BadTimeout {

		@EventFunction(id = "bad-timeout", event = "app/a")
		@Timeouts(finish = "5 minutes")
		void handle() {
		}

	}

	static class ZeroCancelTimeout {

		@EventFunction(id = "zero-cancel-timeout", event = "app/a")
		@CancelOn(event = "app/b", timeout = "0s")
		void handle() {
		}

	}

	static class BadCancelMatch {

		@EventFunction(id = "bad-cancel-match", event = "app/a")
		@CancelOn(event = "app/b", match = "async.data.id ==")
		void handle() {
		}

	}

}
