package dev.fanout.engine.remote;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.EventFunction;
import dev.fanout.ReplayMode;
import dev.fanout.ReplayRequest;
import dev.fanout.ReplayResult;
import dev.fanout.RunInfo;
import dev.fanout.RunStatus;
import dev.fanout.StepContext;
import dev.fanout.StepInfo;
import dev.fanout.StepStatus;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.testsupport.EngineFixture;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.OnEachDatabase;
import dev.fanout.testsupport.TestDatabase;
import dev.fanout.testsupport.TestEngine;

import static dev.fanout.engine.remote.FakeSdk.hash;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A remote function's runs, driven by the engine against an app that answers with replies
 * recorded from the SDKs (inngest-protocol.md): what fanout sends, what it stores, and
 * the order of its calls.
 */
class RemoteRunTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String FUNCTION = "fake-fn";

	private static final String SDK_HEADER = "X-Inngest-Sdk";

	@RegisterExtension
	final EngineFixture fixture = new EngineFixture();

	private final FakeSdk sdk = FakeSdk.start();

	@AfterEach
	void stopSdk() {
		this.sdk.close();
	}

	@OnEachDatabase
	void runsStepsOneCallEachSleepsWithoutAThreadAndStoresMemosVerbatim(TestDatabase database) {
		String first = hash("first");
		String second = hash("second");
		String nap = hash("nap");
		this.sdk.ops("[{\"id\":\"" + first + "\",\"op\":\"StepRun\",\"name\":\"first\",\"data\":\"A1\"}]")
			.ops("[{\"id\":\"" + second + "\",\"op\":\"StepRun\",\"name\":\"second\",\"data\":{\"b\":[1,2.5]}}]")
			.ops("[{\"id\":\"" + nap + "\",\"op\":\"Sleep\",\"name\":\"1s\",\"opts\":{}}]")
			.returns("{\"a\":\"A1\",\"n\":3}");
		TestEngine engine = start(database, 2);
		String runId = engine.send("fake/go", Map.of("x", 1)).runIds().get(0);
		RunInfo sleeping = engine.awaitStatus(runId, RunStatus.SLEEPING);
		assertThat(sleeping.steps()).extracting(StepInfo::key, StepInfo::status)
			.containsExactly(tuple(first, StepStatus.COMPLETED), tuple(second, StepStatus.COMPLETED),
					tuple(nap, StepStatus.SLEEPING));
		RunInfo run = engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("{\"a\":\"A1\",\"n\":3}");
		assertThat(run.steps()).extracting(StepInfo::key, StepInfo::output)
			.containsExactly(tuple(first, "{\"data\":\"A1\"}"), tuple(second, "{\"data\":{\"b\":[1,2.5]}}"),
					tuple(nap, "null"));
		List<FakeSdk.Call> calls = this.sdk.calls();
		assertThat(calls).extracting(FakeSdk.Call::stepId).containsExactly("step", "step", "step", "step");
		assertThat(calls.get(0).steps().isEmpty()).isTrue();
		assertThat(calls.get(0).body().path("event").path("name").stringValue()).isEqualTo("fake/go");
		assertThat(calls.get(0).body().path("event").path("user").isObject()).isTrue();
		assertThat(calls.get(0).body().path("ctx").path("run_id").stringValue()).isEqualTo(runId);
		assertThat(calls.get(0).body().path("ctx").path("max_attempts").asInt()).isEqualTo(3);
		assertThat(calls.get(0).body().path("ctx").has("fn_id")).isFalse();
		assertThat(calls.get(2).stack()).containsExactly(first, second);
		assertThat(calls.get(2).steps().get(second).toString()).isEqualTo("{\"data\":{\"b\":[1,2.5]}}");
		assertThat(calls.get(3).stack()).containsExactly(first, second, nap);
		assertThat(calls.get(3).steps().get(nap).isNull()).isTrue();
		// The sleep was served by the scheduler, not by a call made early.
		assertThat(Duration.between(calls.get(2).at(), calls.get(3).at()))
			.isGreaterThanOrEqualTo(Duration.ofSeconds(1));
	}

	@OnEachDatabase
	void callsPlannedStepsOneByOneThenDiscoversOnce(TestDatabase database) {
		String p = hash("p");
		String q = hash("q");
		this.sdk
			.ops("[{\"id\":\"" + p + "\",\"op\":\"StepPlanned\",\"name\":\"p\"}," + "{\"id\":\"" + q
					+ "\",\"op\":\"StepPlanned\",\"name\":\"q\"}]")
			.ops("[{\"id\":\"" + p + "\",\"op\":\"StepRun\",\"data\":1}]")
			.ops("[{\"id\":\"" + q + "\",\"op\":\"StepRun\",\"data\":2}]")
			.returns("3");
		TestEngine engine = start(database, 0);
		RunInfo run = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("3");
		assertThat(this.sdk.stepIds()).containsExactly("step", p, q, "step");
		List<FakeSdk.Call> calls = this.sdk.calls();
		assertThat(calls.get(1).disablesImmediateExecution()).isTrue();
		assertThat(calls.get(2).stack()).containsExactly(p);
		assertThat(calls.get(3).stack()).containsExactly(p, q);
		assertThat(calls.get(3).disablesImmediateExecution()).isFalse();
	}

	@OnEachDatabase
	void inRaceModeDiscoversAfterEachCompletion(TestDatabase database) {
		String p = hash("p");
		String q = hash("q");
		String race = ",\"opts\":{\"parallelMode\":\"race\"}";
		this.sdk
			.ops("[{\"id\":\"" + p + "\",\"op\":\"StepPlanned\"" + race + "},{\"id\":\"" + q
					+ "\",\"op\":\"StepPlanned\"" + race + "}]")
			.ops("[{\"id\":\"" + p + "\",\"op\":\"StepRun\",\"data\":\"p won\"}]")
			.returns("\"p won\"");
		TestEngine engine = start(database, 0);
		RunInfo run = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"p won\"");
		assertThat(this.sdk.stepIds()).containsExactly("step", p, "step");
	}

	@OnEachDatabase
	void retriesAFailedStepWithItsAttemptThenGoesOn(TestDatabase database) {
		String boom = hash("boom");
		String error = "{\"name\":\"Error\",\"message\":\"boom on attempt 0\",\"stack\":\"Error: boom\"}";
		this.sdk.ops("[{\"id\":\"" + boom + "\",\"op\":\"StepError\",\"name\":\"boom\",\"error\":" + error + "}]")
			.ops("[{\"id\":\"" + boom + "\",\"op\":\"StepRun\",\"name\":\"boom\",\"data\":\"fine\"}]")
			.returns("\"done\"");
		TestEngine engine = start(database, 1);
		RunInfo run = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		assertThat(this.sdk.stepIds()).containsExactly("step", boom, "step");
		assertThat(this.sdk.calls()).extracting(FakeSdk.Call::attempt).containsExactly(0, 1, 0);
		assertThat(run.steps()).singleElement().satisfies((step) -> {
			assertThat(step.attempts()).isEqualTo(2);
			assertThat(step.output()).isEqualTo("{\"data\":\"fine\"}");
			assertThat(step.error()).contains("boom on attempt 0");
		});
	}

	@OnEachDatabase
	void aStepFailedForGoodIsGivenBackAsItsErrorMemo(TestDatabase database) {
		String boom = hash("boom");
		String error = "{\"name\":\"Error\",\"message\":\"boom on attempt 1\"}";
		this.sdk.ops("[{\"id\":\"" + boom + "\",\"op\":\"StepFailed\",\"name\":\"boom\",\"error\":" + error + "}]")
			.answer(400, "{\"name\":\"NonRetriableError\",\"message\":\"gave up\"}", "X-Inngest-No-Retry", "true");
		TestEngine engine = start(database, 3);
		RunInfo run = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.FAILED);
		assertThat(run.error()).contains("NonRetriableError: gave up");
		// Requests are sent in canonical JSON: the memo's keys come sorted.
		assertThat(this.sdk.calls().get(1).steps().get(boom)).isEqualTo(JSON.readTree("{\"error\":" + error + "}"));
		assertThat(run.steps()).singleElement()
			.satisfies((step) -> assertThat(step.status()).isEqualTo(StepStatus.FAILED));
	}

	@OnEachDatabase
	void aPythonErrorIsRetriedOrNotByItsHeaderNotItsStatus(TestDatabase database) {
		// Python answers 500 for every function error, with no-retry for the final ones.
		this.sdk.answer(500,
				"{\"code\":\"non_retriable_error\",\"message\":\"card declined\",\"name\":\"NonRetriableError\"}",
				"X-Inngest-No-Retry", "true");
		TestEngine engine = start(database, 3);
		RunInfo run = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(1);
		assertThat(run.error()).contains("card declined");
		assertThat(this.sdk.calls()).hasSize(1);
	}

	@OnEachDatabase
	void aGoneFunctionIsRetriedThenFails(TestDatabase database) {
		// Go answers 410 when the function is not in the app.
		this.sdk.answer(410, "{\"message\":\"function not found\"}")
			.answer(410, "{\"message\":\"function not found\"}");
		TestEngine engine = start(database, 1);
		RunInfo run = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.FAILED);
		assertThat(run.attempts()).isEqualTo(2);
		assertThat(run.error()).contains("410").contains("function not found");
	}

	@OnEachDatabase
	void readsGosSleepAndWaitOptionsAndASingleOp(TestDatabase database) {
		String nap = hash("nap");
		String wait = hash("approval");
		this.sdk.ops("{\"id\":\"" + nap + "\",\"op\":\"Sleep\",\"name\":\"nap\",\"opts\":{\"duration\":\"500ms\"}}")
			.ops("[{\"id\":\"" + wait + "\",\"op\":\"WaitForEvent\",\"name\":\"approval\",\"opts\":{\"event\":"
					+ "\"fake/approved\",\"timeout\":\"1h\",\"if\":\"async.data.id == event.data.id\"}}]")
			.returns("\"approved\"");
		TestEngine engine = start(database, 0);
		String runId = engine.send("fake/go", Map.of("id", 7)).runIds().get(0);
		RunInfo waiting = engine.awaitStatus(runId, RunStatus.WAITING);
		assertThat(waiting.steps()).extracting(StepInfo::key).containsExactly(nap, wait);
		engine.send("fake/approved", Map.of("id", 8));
		String approval = engine.send("fake/approved", Map.of("id", 7)).eventIds().get(0);
		engine.awaitRun(runId, RunStatus.COMPLETED);
		FakeSdk.Call last = this.sdk.calls().get(2);
		assertThat(last.steps().get(nap).isNull()).isTrue();
		assertThat(last.steps().get(wait).path("id").stringValue()).isEqualTo(approval);
		assertThat(last.steps().get(wait).path("name").stringValue()).isEqualTo("fake/approved");
		assertThat(last.steps().get(wait).path("data").path("id").asInt()).isEqualTo(7);
		assertThat(last.steps().get(wait).has("data")).isTrue();
	}

	@OnEachDatabase
	void aWaitThatTimesOutGivesNull(TestDatabase database) {
		String wait = hash("approval");
		this.sdk
			.ops("[{\"id\":\"" + wait + "\",\"op\":\"WaitForEvent\",\"name\":\"fake/approved\",\"opts\":{"
					+ "\"timeout\":\"1s\"}}]")
			.returns("null");
		TestEngine engine = start(database, 0);
		String runId = engine.send("fake/go", Map.of()).runIds().get(0);
		engine.awaitRun(runId, RunStatus.COMPLETED);
		assertThat(this.sdk.calls().get(1).steps().get(wait).isNull()).isTrue();
	}

	@OnEachDatabase
	void honoursRetryAfter(TestDatabase database) {
		this.sdk.answer(500, "{\"name\":\"RetryAfterError\",\"message\":\"slow down\"}", "Retry-After", "2")
			.returns("\"ok\"");
		TestEngine engine = start(database, 2);
		engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		List<FakeSdk.Call> calls = this.sdk.calls();
		assertThat(Duration.between(calls.get(0).at(), calls.get(1).at()))
			.isGreaterThanOrEqualTo(Duration.ofMillis(1900));
	}

	@OnEachDatabase
	void aReplyWithoutTheSdkHeaderIsAnError(TestDatabase database) {
		this.sdk.answer(200, "\"from a proxy\"", SDK_HEADER, null).returns("\"from the sdk\"");
		TestEngine engine = start(database, 1);
		RunInfo run = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"from the sdk\"");
		assertThat(run.attempts()).isEqualTo(2);
	}

	@OnEachDatabase
	void anUnsupportedOpcodeFailsTheRunSayingSo(TestDatabase database) {
		this.sdk.ops("[{\"id\":\"" + hash("s") + "\",\"op\":\"WaitForSignal\",\"name\":\"s\"}]");
		TestEngine engine = start(database, 3);
		RunInfo run = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.FAILED);
		assertThat(run.error()).contains("opcode WaitForSignal").contains("does not support");
		assertThat(run.attempts()).isEqualTo(1);
	}

	@OnEachDatabase
	void signsEachCallOverItsCanonicalBody(TestDatabase database) {
		SigningKey key = SigningKey.of("signkey-test-" + "ab".repeat(32));
		this.sdk.returns("\"signed\"");
		TestEngine engine = start(database, 0, key);
		engine.awaitRun(engine.send("fake/go", Map.of("é", "ü", "n", List.of(3, 1.5))).runIds().get(0),
				RunStatus.COMPLETED);
		FakeSdk.Call call = this.sdk.calls().get(0);
		assertThat(key.verifies(call.raw(), call.signature(), Instant.now())).isTrue();
		assertThat(CanonicalJson.of(new String(call.raw(), java.nio.charset.StandardCharsets.UTF_8)))
			.isEqualTo(call.raw());
	}

	@OnEachDatabase
	void aResumeReplayKeepsTheMemosAndCallsOnFromThem(TestDatabase database) {
		String first = hash("first");
		this.sdk.ops("[{\"id\":\"" + first + "\",\"op\":\"StepRun\",\"data\":\"kept\"}]")
			.answer(500, "{\"message\":\"the CRM is down\"}", "X-Inngest-No-Retry", "true")
			.returns("\"after the outage\"");
		TestEngine engine = start(database, 0);
		String failed = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.FAILED).runId();
		ReplayResult replay = engine.admin()
			.replay(ReplayRequest.builder().function(FUNCTION).mode(ReplayMode.RESUME).build());
		assertThat(replay.runIds()).containsExactly(failed);
		RunInfo run = engine.awaitRun(failed, RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"after the outage\"");
		assertThat(this.sdk.calls()).hasSize(3);
		assertThat(this.sdk.calls().get(2).stack()).containsExactly(first);
		assertThat(this.sdk.calls().get(2).steps().get(first)).isEqualTo(JSON.readTree("{\"data\":\"kept\"}"));
	}

	@OnEachDatabase
	void aCancelledRunMakesNoMoreCalls(TestDatabase database) {
		this.sdk.ops("[{\"id\":\"" + hash("nap") + "\",\"op\":\"Sleep\",\"name\":\"1h\"}]");
		TestEngine engine = start(database, 0);
		String runId = engine.send("fake/go", Map.of()).runIds().get(0);
		engine.awaitStatus(runId, RunStatus.SLEEPING);
		engine.admin().cancel(runId);
		engine.awaitRun(runId, RunStatus.CANCELLED);
		assertThat(this.sdk.calls()).hasSize(1);
	}

	@OnEachDatabase
	void aStepPlannedTwiceIsCalledOnce(TestDatabase database) {
		String p = hash("p");
		this.sdk.ops("[{\"id\":\"" + p + "\",\"op\":\"StepPlanned\"},{\"id\":\"" + p + "\",\"op\":\"StepPlanned\"}]")
			.ops("[{\"id\":\"" + p + "\",\"op\":\"StepRun\",\"data\":1}]")
			.returns("1");
		TestEngine engine = start(database, 0);
		engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		assertThat(this.sdk.stepIds()).containsExactly("step", p, "step");
	}

	@OnEachDatabase
	void aDiscoveryWithNothingNewFailsTheRunRatherThanCallingForever(TestDatabase database) {
		String first = hash("first");
		String ran = "[{\"id\":\"" + first + "\",\"op\":\"StepRun\",\"data\":1}]";
		this.sdk.ops(ran).ops(ran);
		TestEngine engine = start(database, 3);
		RunInfo run = engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.FAILED);
		assertThat(run.error()).contains("reported nothing new");
		assertThat(this.sdk.calls()).hasSize(2);
	}

	@OnEachDatabase
	void invokesAJavaFunctionAndGivesItsOutputBack(TestDatabase database) {
		assertThat(invokeMemo(database, "double", "{\"x\":21}", "")).isEqualTo(JSON.readTree("{\"data\":42}"));
	}

	@OnEachDatabase
	void anInvokeThatTimesOutGivesInngestsTimeoutError(TestDatabase database) {
		assertThat(invokeMemo(database, "slow", "{}", ",\"timeout\":\"1s\"").path("error").path("name").stringValue())
			.isEqualTo("InngestInvokeTimeoutError");
	}

	@OnEachDatabase
	void invokingAFunctionNobodyHasGivesAnErrorMemo(TestDatabase database) {
		assertThat(invokeMemo(database, "nope", "{}", "").path("error").path("message").stringValue())
			.isEqualTo("No function 'nope' to invoke on this database");
	}

	/**
	 * Run a function whose one step invokes another, and return the memo the app was sent
	 * for that step.
	 */
	private JsonNode invokeMemo(TestDatabase database, String functionId, String data, String moreOptions) {
		String call = hash(functionId);
		this.sdk.ops("[{\"id\":\"" + call + "\",\"op\":\"InvokeFunction\",\"name\":\"" + functionId + "\",\"opts\":{"
				+ "\"function_id\":\"" + functionId + "\",\"payload\":{\"data\":" + data + "}" + moreOptions + "}}]")
			.returns("\"done\"");
		TestEngine engine = start(database, 0, null, new JavaFunctions());
		engine.awaitRun(engine.send("fake/go", Map.of()).runIds().get(0), RunStatus.COMPLETED);
		return this.sdk.calls().get(1).steps().get(call);
	}

	private TestEngine start(TestDatabase database, int retries) {
		return start(database, retries, null);
	}

	private TestEngine start(TestDatabase database, int retries, SigningKey key, Object... beans) {
		URI url = this.sdk.url(FUNCTION);
		String config = """
				{"app_id": "fake", "functions": [{"id": "%s", "name": "fn", "triggers": [{"event": "fake/go"}],
				 "steps": {"step": {"id": "step", "runtime": {"type": "http", "url": "%s"}, "retries": {"attempts": %d}}}}]}
				"""
			.formatted(FUNCTION, url, retries);
		RemoteApp app = new RemoteApp(url, key, Duration.ofSeconds(10));
		RemoteCaller caller = new RemoteCaller(Clock.systemUTC());
		EngineSettings settings = EngineFixture.settings("fake");
		List<FunctionDefinition> functions = SdkFunctions
			.read(JSON.readTree(config),
					(fnUrl, cron) -> new RemoteFunction(app, fnUrl, caller, settings.limits(), cron),
					new Backoff(List.of(Duration.ofMillis(100)), 0))
			.functions();
		FreshDatabase fresh = this.fixture.database(database);
		return this.fixture.start(fresh, fresh.dataSource(), settings, (builder) -> builder.functions(functions),
				beans);
	}

	/**
	 * Java functions in the remote app's engine, for remote steps to invoke.
	 */
	static class JavaFunctions {

		@EventFunction(id = "double", event = "fake/double")
		int twice(Map<String, Object> data) {
			return ((Number) data.get("x")).intValue() * 2;
		}

		@EventFunction(id = "slow", event = "fake/slow")
		void slow(Map<String, Object> data, StepContext step) {
			step.sleep("forever", Duration.ofHours(1));
		}

	}

}
