package dev.fanout.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.RunContext;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a function method is called: each parameter gets what its type asks for, and the
 * return value becomes the run's output.
 */
class FunctionInvocationTests {

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	@OnEachDatabase
	void dataParameterReceivesTheEventDataConvertedToItsType(TestDatabase database) {
		SignupFunction function = new SignupFunction();
		TestEngine engine = this.fixture.start(database, function);
		Signup signup = new Signup(new User(7, "ada@example.com"), "pro", List.of("beta", "early"));
		SendResult sent = engine.send("app/user.signup", signup);
		engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(function.signup.get()).isEqualTo(signup);
	}

	@OnEachDatabase
	void eventAndRunContextParametersDescribeTheRun(TestDatabase database) {
		SignupFunction function = new SignupFunction();
		TestEngine engine = this.fixture.start(database, function);
		Event sent = Event.builder("app/user.signup")
			.data(Map.of("user", Map.of("id", 7, "email", "ada@example.com"), "plan", "pro"))
			.user(Map.of("ip", "10.0.0.1"))
			.v("2")
			.build();
		SendResult result = engine.sender().send(sent);
		engine.awaitRun(result.runIds().get(0), RunStatus.COMPLETED);
		Event received = function.event.get();
		assertThat(received.id()).isEqualTo(sent.id());
		assertThat(received.name()).isEqualTo("app/user.signup");
		assertThat(received.data()).isEqualTo(sent.data());
		assertThat(received.user()).containsEntry("ip", "10.0.0.1");
		assertThat(received.v()).isEqualTo("2");
		assertThat(received.ts().toEpochMilli()).isEqualTo(sent.ts().toEpochMilli());
		RunContext run = function.run.get();
		assertThat(run.runId()).isEqualTo(result.runIds().get(0));
		assertThat(run.functionId()).isEqualTo("welcome");
		assertThat(run.attempt()).isZero();
		assertThat(run.event().id()).isEqualTo(sent.id());
		assertThat(run.events()).extracting(Event::id).containsExactly(sent.id());
	}

	@OnEachDatabase
	void dataThatDoesNotFitTheParameterFailsTheRunWithoutRetries(TestDatabase database) {
		SignupFunction function = new SignupFunction();
		TestEngine engine = this.fixture.start(database, function);
		SendResult sent = engine.send("app/user.signup", Map.of("user", Map.of("id", "seven")));
		RunInfo run = engine.awaitRun(sent.runIds().get(0), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).contains("parameter 'signup'").contains(Signup.class.getName());
		assertThat(function.signup.get()).isNull();
	}

	@OnEachDatabase
	void returnValueIsTheRunOutputAsJson(TestDatabase database) {
		TestEngine engine = this.fixture.start(database, new SignupFunction());
		SendResult sent = engine.send("app/user.signup", new Signup(new User(7, "ada@example.com"), "pro", List.of()));
		RunInfo run = engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("{\"email\":\"ada@example.com\",\"trialDays\":14}");
	}

	@OnEachDatabase
	void stepOutputsAreRestoredToTheirTypesWhenReplayed(TestDatabase database) {
		ReplayingFunction function = new ReplayingFunction();
		TestEngine engine = this.fixture.start(database, function);
		SendResult sent = engine.send("app/replay", Map.of());
		RunInfo run = engine.awaitRun(sent.runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(function.replayed.get()).containsExactly(new User(7, "ada@example.com"), List.of("a", "b"),
				Map.of("plan", "pro"), 42L, new User(8, "bob@example.com"));
	}

	record User(long id, String email) {
	}

	record Signup(User user, String plan, List<String> tags) {
	}

	record Welcome(String email, int trialDays) {
	}

	static class SignupFunction {

		final AtomicReference<Signup> signup = new AtomicReference<>();

		final AtomicReference<Event> event = new AtomicReference<>();

		final AtomicReference<RunContext> run = new AtomicReference<>();

		@EventFunction(id = "welcome", event = "app/user.signup")
		Welcome welcome(StepContext step, Signup signup, RunContext run, Event event) {
			this.signup.set(signup);
			this.event.set(event);
			this.run.set(run);
			return new Welcome(signup.user().email(), 14);
		}

	}

	static class ReplayingFunction {

		final AtomicReference<List<Object>> replayed = new AtomicReference<>();

		@EventFunction(id = "replaying", event = "app/replay")
		void replay(StepContext step, RunContext run) {
			User user = step.run("user", () -> new User(7, "ada@example.com"));
			List<String> list = step.run("list", () -> List.of("a", "b"));
			Map<String, String> map = step.run("map", () -> Map.of("plan", "pro"));
			Long number = step.run("number", () -> 42L);
			User typed = step.run("typed", User.class, () -> new User(8, "bob@example.com"));
			if (run.attempt() == 0 && this.replayed.get() == null) {
				this.replayed.set(List.of());
				throw new IllegalStateException("replay the steps once");
			}
			this.replayed.set(List.of(user, list, map, number, typed));
		}

	}

}
