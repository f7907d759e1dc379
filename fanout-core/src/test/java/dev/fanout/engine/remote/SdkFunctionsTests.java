package dev.fanout.engine.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.fanout.Concurrency;
import dev.fanout.Event;
import dev.fanout.Singleton;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.settings.EngineSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The function configurations the SDKs send when they sync: JavaScript's in-band reply as
 * recorded with inngest 4.24.0, and Python's and Go's registrations as their sources
 * write them.
 */
class SdkFunctionsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, URI> urls = new LinkedHashMap<>();

	@Test
	void readsTheJavaScriptSdksInBandReply() {
		SdkFunctions.Synced synced = read("js-in-band.json");
		assertThat(synced.appId()).isEqualTo("remote-demo");
		assertThat(synced.sdk()).isEqualTo("js:v4.24.0");
		assertThat(synced.refused()).isEmpty();
		assertThat(synced.functions()).extracting(FunctionDefinition::id)
			.containsExactly("remote-demo-two-steps-sleep", "remote-demo-parallel-wait-send", "remote-demo-flaky");
		FunctionDefinition sleep = synced.functions().get(0);
		assertThat(sleep.name()).isEqualTo("two-steps-sleep");
		assertThat(sleep.triggers()).containsExactly("demo/start");
		assertThat(sleep.filter()).isNull();
		// retries.attempts counts retries, whatever its name says; absent, Inngest's 4.
		assertThat(sleep.retries()).isEqualTo(2);
		assertThat(synced.functions().get(1).retries()).isEqualTo(4);
		assertThat(synced.functions().get(2).retries()).isEqualTo(1);
		assertThat(this.urls).containsEntry("remote-demo-flaky",
				URI.create("http://127.0.0.1:3939/api/inngest?fnId=remote-demo-flaky&stepId=step"));
	}

	@Test
	void readsPythonsRegistrationWithItsLowerCaseAppName() {
		SdkFunctions.Synced synced = read("py-register.json");
		assertThat(synced.appId()).isEqualTo("billing-py");
		assertThat(synced.refused()).isEmpty();
		FunctionDefinition charge = synced.functions().get(0);
		assertThat(charge.id()).isEqualTo("billing-py-charge");
		assertThat(charge.retries()).isEqualTo(3);
		assertThat(charge.startTimeout()).isEqualTo(Duration.ofMinutes(10));
		assertThat(charge.finishTimeout()).isEqualTo(Duration.ofHours(1));
		assertThat(charge.cancelOn()).containsExactly(new FunctionDefinition.CancelRule("billing/invoice.voided",
				"async.data.invoiceId == event.data.invoiceId", Duration.ofHours(1)));
		assertThat(charge.flow().concurrency()).singleElement().satisfies((limit) -> {
			assertThat(limit.limit()).isEqualTo(5);
			assertThat(limit.key().source()).isEqualTo("event.data.customerId");
			assertThat(limit.scope()).isEqualTo(Concurrency.Scope.FUNCTION);
		});
		assertThat(charge.flow().throttle().limit()).isEqualTo(10);
		assertThat(charge.flow().throttle().period()).isEqualTo(Duration.ofMinutes(1));
		assertThat(charge.flow().throttle().burst()).isEqualTo(2);
		assertThat(charge.flow().idempotency().key().source()).isEqualTo("event.data.invoiceId");
		assertThat(charge.flow().idempotency().period()).isEqualTo(Duration.ofHours(24));
		// The trigger's expression filters that trigger's events.
		assertThat(charge.isTriggeredBy(Event.of("billing/invoice.created", Map.of("amount", 12)))).isTrue();
		assertThat(charge.isTriggeredBy(Event.of("billing/invoice.created", Map.of("amount", 0)))).isFalse();
	}

	@Test
	void readsGosRegistrationAndRefusesWhatFanoutCannotHonourFunctionByFunction() {
		SdkFunctions.Synced synced = read("go-register.json");
		assertThat(synced.appId()).isEqualTo("ship-go");
		FunctionDefinition label = synced.functions().get(0);
		assertThat(synced.functions()).extracting(FunctionDefinition::id).containsExactly("ship-go-label");
		// Go puts retries at the top, capitalizes Singleton and calls its step
		// "step=step".
		assertThat(label.retries()).isEqualTo(7);
		assertThat(label.flow().singleton().mode()).isEqualTo(Singleton.Mode.SKIP);
		assertThat(label.flow().singleton().key().source()).isEqualTo("event.data.orderId");
		assertThat(label.triggers()).containsExactly("ship/order.packed");
		assertThat(label.cron()).isNotNull();
		assertThat(label.cron().zone().getId()).isEqualTo("Europe/Paris");
		assertThat(this.urls.get("ship-go-label"))
			.isEqualTo(URI.create("http://127.0.0.1:8080/api/inngest?fnId=ship-go-label&step=step"));
		assertThat(synced.refused()).containsOnlyKeys("ship-go-ai", "ship-go-batch");
		assertThat(synced.refused().get("ship-go-ai")).startsWith("Function 'ship-go-ai' of app 'ship-go' cannot run")
			.contains("the trigger expression")
			.contains("'size' is not known");
		assertThat(synced.refused().get("ship-go-batch")).contains("batchEvents.if is not supported");
	}

	@Test
	void mapsInngestsEventsAboutRunsOntoFanouts() {
		SdkFunctions.Synced synced = read(JSON.readTree(
				"""
						{"app_id": "crm", "functions": [{"id": "crm-welcome-failure", "name": "on failure",
						  "triggers": [{"event": "inngest/function.failed",
						                "expression": "event.data.function_id == 'crm-welcome'"}],
						  "steps": {"step": {"runtime": {"url": "http://crm/api/inngest?fnId=crm-welcome-failure&stepId=step"}}}}]}
						"""));
		FunctionDefinition handler = synced.functions().get(0);
		assertThat(handler.triggers()).containsExactly("fanout/function.failed");
		assertThat(handler.isTriggeredBy(Event.of("fanout/function.failed", Map.of("function_id", "crm-welcome"))))
			.isTrue();
		assertThat(handler.isTriggeredBy(Event.of("fanout/function.failed", Map.of("function_id", "other")))).isFalse();
	}

	@Test
	void stripsTheDeployIdJavaScriptLeavesInUrls() {
		assertThat(SdkFunctions.withoutDeployId("http://a/api/inngest?deployId=dep-1&fnId=x&stepId=step"))
			.isEqualTo("http://a/api/inngest?fnId=x&stepId=step");
		assertThat(SdkFunctions.withoutDeployId("http://a/api/inngest?deployId=dep-1"))
			.isEqualTo("http://a/api/inngest");
		assertThat(RemoteFunction.withParameter(URI.create("http://a/api/inngest?fnId=x&stepId=step"), "stepId", "abc"))
			.isEqualTo(URI.create("http://a/api/inngest?fnId=x&stepId=abc"));
		assertThat(RemoteFunction.withParameter(URI.create("http://a/api/inngest?fnId=x&step=step"), "stepId", "step"))
			.isEqualTo(URI.create("http://a/api/inngest?fnId=x&step=step&stepId=step"));
	}

	@Test
	void refusesABodyWithoutAnAppOrFunctions() {
		assertThatIllegalArgumentException().isThrownBy(() -> read(JSON.readTree("{\"functions\": []}")))
			.withMessageContaining("names no app");
		assertThatIllegalArgumentException().isThrownBy(() -> read(JSON.readTree("{\"app_id\": \"x\"}")))
			.withMessageContaining("no \"functions\" array");
	}

	private SdkFunctions.Synced read(String resource) {
		try (InputStream in = getClass().getResourceAsStream(resource)) {
			return read(JSON.readTree(in));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private SdkFunctions.Synced read(JsonNode body) {
		RemoteApp app = new RemoteApp(URI.create("http://127.0.0.1:3939/api/inngest"), null, Duration.ofMinutes(5));
		RemoteCaller caller = new RemoteCaller(Clock.systemUTC());
		SdkFunctions.Synced synced = SdkFunctions.read(body, (url, cron) -> {
			RemoteFunction function = new RemoteFunction(app, url, caller, EngineSettings.DEFAULTS.limits(), cron);
			this.urls.put(queryValue(url, "fnId"), url);
			return function;
		}, Backoff.defaults());
		return synced;
	}

	private static String queryValue(URI url, String name) {
		return List.of(url.getQuery().split("&"))
			.stream()
			.filter((parameter) -> parameter.startsWith(name + "="))
			.map((parameter) -> parameter.substring(name.length() + 1))
			.findFirst()
			.orElseThrow();
	}

}
