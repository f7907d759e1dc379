package dev.fanout.engine.function;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.NonRetriableException;
import dev.fanout.RunContext;
import dev.fanout.StepContext;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.engine.function.AnnotatedFunctions;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.testsupport.TestFunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Declarations are checked at startup, and a bad one fails with a message that names the
 * bean, the method and the function id.
 */
class AnnotatedFunctionsTests {

	private static final Backoff BACKOFF = Backoff.defaults();

	@Test
	void readsTheAnnotation() {
		FunctionDefinition definition = definitions(new Valid()).get(0);
		assertThat(definition.id()).isEqualTo("send-welcome-email");
		assertThat(definition.name()).isEqualTo("Send the welcome email");
		assertThat(definition.triggers()).containsExactly("app/user.signup", "app/user.invited");
		assertThat(definition.retries()).isEqualTo(2);
		assertThat(definition.filter()).isNotNull();
		assertThat(definition.source()).isEqualTo("bean 'valid' method Valid.send()");
		assertThat(definition.retryable().classify(new IllegalStateException())).isTrue();
		assertThat(definition.retryable().classify(new UnsupportedOperationException())).isFalse();
		assertThat(definition.retryable().classify(new NonRetriableException("no"))).isFalse();
	}

	@Test
	void nameDefaultsToTheIdAndRetriesToFour() {
		FunctionDefinition definition = definitions(new Minimal()).get(0);
		assertThat(definition.name()).isEqualTo("minimal");
		assertThat(definition.retries()).isEqualTo(4);
		assertThat(definition.filter()).isNull();
	}

	@Test
	void overridesReplaceRetriesAndBackoff() throws Exception {
		Backoff backoff = new Backoff(List.of(Duration.ofSeconds(1)), 0);
		Method method = Minimal.class.getDeclaredMethod("handle");
		FunctionDefinition definition = AnnotatedFunctions.of("minimal", new Minimal(), method,
				method.getAnnotation(EventFunction.class), new AnnotatedFunctions.Overrides(7, backoff, null), BACKOFF,
				new JacksonPayloadSerializer());
		assertThat(definition.retries()).isEqualTo(7);
		assertThat(definition.backoff()).isEqualTo(backoff);
	}

	@Test
	void duplicateIdsNameBothDeclarations() {
		List<FunctionDefinition> definitions = definitions(new Valid(), new Duplicate());
		assertThatIllegalStateException().isThrownBy(() -> new LocalFunctions(definitions))
			.withMessageContaining("'send-welcome-email'")
			.withMessageContaining("bean 'valid' method Valid.send()")
			.withMessageContaining("bean 'duplicate' method Duplicate.sendAgain()");
	}

	@Test
	void functionWithoutTriggerIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new NoTrigger()))
			.withMessageContaining("'orphan'")
			.withMessageContaining("bean 'noTrigger' method NoTrigger.handle()")
			.withMessageContaining("no trigger");
	}

	@Test
	void twoDataParametersAreRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new TwoDataParameters()))
			.withMessageContaining("'two-data'")
			.withMessageContaining("bean 'twoDataParameters' method TwoDataParameters.handle()")
			.withMessageContaining("parameters 'signup' and 'other' both ask for the event data");
	}

	@Test
	void scalarDataParameterIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new ScalarParameter()))
			.withMessageContaining("'scalar'")
			.withMessageContaining("bean 'scalarParameter' method ScalarParameter.handle()")
			.withMessageContaining("parameter 'email' of type java.lang.String is not supported");
	}

	@Test
	void filterThatDoesNotParseIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new BadFilter()))
			.withMessageContaining("'bad-filter'")
			.withMessageContaining("bean 'badFilter' method BadFilter.handle()")
			.withMessageContaining("filter expression 'event.data.plan ==' does not parse");
	}

	@Test
	void retriesOutOfRangeAreRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new TooManyRetries()))
			.withMessageContaining("'too-many-retries'")
			.withMessageContaining("bean 'tooManyRetries' method TooManyRetries.handle()")
			.withMessageContaining("retries must be between 0 and 20, not 21");
	}

	@Test
	void wildcardNotAtTheEndIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new InnerWildcard()))
			.withMessageContaining("'inner-wildcard'")
			.withMessageContaining("bean 'innerWildcard' method InnerWildcard.handle()")
			.withMessageContaining("event 'app/*.signup' has a '*' that is not at the end");
	}

	@Test
	void blankIdIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new BlankId()))
			.withMessageContaining("bean 'blankId' method BlankId.handle()")
			.withMessageContaining("id must be 1 to 128 characters");
	}

	@Test
	void repeatedTriggerStillMeansOneRunPerEvent() {
		LocalFunctions registry = new LocalFunctions(definitions(new RepeatedTrigger()));
		assertThat(registry.triggeredBy(Event.of("app/user.signup", Map.of()))).extracting(FunctionDefinition::id)
			.containsExactly("repeated");
	}

	@Test
	void registryFindsFunctionsByExactNamePrefixAndFilter() {
		LocalFunctions registry = new LocalFunctions(
				definitions(new Valid(), new Minimal(), new AllUsers(), new Everything()));
		assertThat(registry.triggeredBy(Event.of("app/user.signup", Map.of("plan", "pro"))))
			.extracting(FunctionDefinition::id)
			.containsExactly("send-welcome-email", "all-users", "everything");
		assertThat(registry.triggeredBy(Event.of("app/user.signup", Map.of("plan", "free"))))
			.extracting(FunctionDefinition::id)
			.containsExactly("all-users", "everything");
		assertThat(registry.triggeredBy(Event.of("app/order.placed", Map.of()))).extracting(FunctionDefinition::id)
			.containsExactly("everything");
		assertThat(registry.hasTriggerFor("app/user.deleted")).isTrue();
		assertThat(registry.hasTriggerFor("other/thing")).isFalse();
		assertThat(registry.get("minimal")).isPresent();
		assertThat(registry.ids()).containsExactly("send-welcome-email", "minimal", "all-users", "everything");
	}

	@Test
	void cronAloneIsATrigger() {
		FunctionDefinition definition = definitions(new Nightly()).get(0);
		assertThat(definition.triggers()).isEmpty();
		assertThat(definition.cron()).isNotNull();
		assertThat(definition.cron().zone()).isEqualTo(ZoneId.of("Europe/Paris"));
		LocalFunctions registry = new LocalFunctions(List.of(definition));
		assertThat(registry.triggeredBy(Event.of("app/anything", Map.of()))).isEmpty();
		assertThat(definition.isTriggeredBy(SystemEvents.cronTick("nightly", Instant.parse("2026-01-15T01:00:00Z"))))
			.isTrue();
		assertThat(definition.isTriggeredBy(SystemEvents.cronTick("other", Instant.parse("2026-01-15T01:00:00Z"))))
			.isFalse();
	}

	@Test
	void cronThatDoesNotParseIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new FiveFieldCron()))
			.withMessageContaining("'five-fields'")
			.withMessageContaining("bean 'fiveFieldCron' method FiveFieldCron.handle()")
			.withMessageContaining("cron '0 9 * * *' does not parse");
	}

	@Test
	void cronWithUnknownZoneIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> definitions(new UnknownZone()))
			.withMessageContaining("'unknown-zone'")
			.withMessageContaining("bean 'unknownZone' method UnknownZone.handle()")
			.withMessageContaining("unknown time zone 'Europe/Atlantis'");
	}

	private static List<FunctionDefinition> definitions(Object... beans) {
		return TestFunctions.definitions(BACKOFF, new JacksonPayloadSerializer(), beans);
	}

	record Signup(String email) {
	}

	static class Valid {

		@EventFunction(id = "send-welcome-email", name = "Send the welcome email",
				event = { "app/user.signup", " app/user.invited " }, filter = "event.data.plan == 'pro'", retries = 2,
				noRetryFor = UnsupportedOperationException.class)
		void send(Signup signup, StepContext step, RunContext run, Event event, List<Event> events) {
		}

	}

	static class Minimal {

		@EventFunction(id = "minimal", event = "app/minimal")
		void handle() {
		}

	}

	static class AllUsers {

		@EventFunction(id = "all-users", event = { "app/user.*", "app/user.signup" })
		void users() {
		}

	}

	static class Everything {

		@EventFunction(id = "everything", event = { "app/*", "app/user.*" })
		void everything() {
		}

	}

	static class Duplicate {

		@EventFunction(id = "send-welcome-email", event = "app/user.signup")
		void sendAgain() {
		}

	}

	static class Nightly {

		@EventFunction(id = "nightly", cron = "TZ=Europe/Paris 0 0 2 * * *")
		void handle() {
		}

	}

	static class FiveFieldCron {

		@EventFunction(id = "five-fields", cron = "0 9 * * *")
		void handle() {
		}

	}

	static class UnknownZone {

		@EventFunction(id = "unknown-zone", cron = "TZ=Europe/Atlantis 0 0 9 * * *")
		void handle() {
		}

	}

	static class NoTrigger {

		@EventFunction(id = "orphan")
		void handle() {
		}

	}

	static class TwoDataParameters {

		@EventFunction(id = "two-data", event = "app/user.signup")
		void handle(Signup signup, StepContext step, Signup other) {
		}

	}

	static class ScalarParameter {

		@EventFunction(id = "scalar", event = "app/user.signup")
		void handle(String email) {
		}

	}

	static class BadFilter {

		@EventFunction(id = "bad-filter", event = "app/user.signup", filter = "event.data.plan ==")
		void handle() {
		}

	}

	static class TooManyRetries {

		@EventFunction(id = "too-many-retries", event = "app/user.signup", retries = 21)
		void handle() {
		}

	}

	static class InnerWildcard {

		@EventFunction(id = "inner-wildcard", event = "app/*.signup")
		void handle() {
		}

	}

	static class BlankId {

		@EventFunction(id = " ", event = "app/user.signup")
		void handle() {
		}

	}

	static class RepeatedTrigger {

		@EventFunction(id = "repeated", event = { "app/user.signup", "app/user.signup" })
		void handle() {
		}

	}

}
