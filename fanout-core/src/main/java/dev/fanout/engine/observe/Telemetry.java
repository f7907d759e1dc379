package dev.fanout.engine.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.RunStatus;
import dev.fanout.spi.FanoutMetrics;
import dev.fanout.store.ClaimedRun;

/**
 * The engine's metrics and observations, in one place for the parts that report them: the
 * {@link FanoutMetrics} to call, and the {@code fanout.send}, {@code fanout.run} and
 * {@code fanout.step} observations with the MDC of a run's thread. With the defaults
 * ({@link FanoutMetrics#NONE}, {@link ObservationRegistry#NOOP}) nothing is built per
 * send, run or step but the MDC entries.
 *
 * @since 0.1.0
 */
public final class Telemetry {

	/** Reports nothing, observes nothing. */
	public static final Telemetry NONE = new Telemetry(FanoutMetrics.NONE, ObservationRegistry.NOOP, "");

	/** The low-cardinality key of the application id. */
	static final String APPLICATION_ID = "fanout.application.id";

	/** The low-cardinality key of the function id. */
	static final String FUNCTION_ID = "fanout.function.id";

	/** The high-cardinality key of the run id. */
	static final String RUN_ID = "fanout.run.id";

	/** The high-cardinality key of an event id. */
	static final String EVENT_ID = "fanout.event.id";

	private final FanoutMetrics metrics;

	private final ObservationRegistry registry;

	private final String appId;

	/**
	 * Create the telemetry of an engine.
	 * @param metrics where metrics go
	 * @param registry where observations go
	 * @param appId the application id, a key value of every observation
	 */
	public Telemetry(FanoutMetrics metrics, ObservationRegistry registry, String appId) {
		this.metrics = metrics;
		this.registry = registry;
		this.appId = appId;
	}

	/**
	 * Where metrics go.
	 * @return the metrics
	 */
	public FanoutMetrics metrics() {
		return this.metrics;
	}

	/**
	 * Whether metrics are reported: when not, callers skip the work of counting.
	 * @return whether the metrics are not {@link FanoutMetrics#NONE}
	 */
	public boolean isMetering() {
		return this.metrics != FanoutMetrics.NONE;
	}

	/**
	 * Tell the metrics that a run reached a final status, once that committed.
	 * @param functionId the run's function
	 * @param status its final status
	 * @param startedAt when it first started, or {@code null} if it never did
	 * @param endedAt when it ended
	 */
	public void runEnded(String functionId, RunStatus status, @Nullable Instant startedAt, Instant endedAt) {
		if (isMetering()) {
			this.metrics.runEnded(functionId, status,
					(startedAt != null) ? Duration.between(startedAt, endedAt) : null);
		}
	}

	ObservationRegistry registry() {
		return this.registry;
	}

	String appId() {
		return this.appId;
	}

	/**
	 * Make a send inside a {@code fanout.send} observation whose propagation headers (put
	 * there by the tracing handlers, if any) are handed to the send to store with its
	 * events.
	 * @param <T> the send's result
	 * @param source who sends: {@code api}, {@code http}, ...
	 * @param events the events
	 * @param send the send, given the trace context to store, or {@code null}
	 * @return what the send returned
	 */
	public <T> T send(String source, List<Event> events, Function<@Nullable String, T> send) {
		if (this.registry.isNoop()) {
			return send.apply(null);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		SenderContext<Map<String, String>> context = new SenderContext<>(
				(carrier, key, value) -> carrier.put(key, value));
		context.setCarrier(headers);
		Observation observation = Observation.createNotStarted("fanout.send", () -> context, this.registry)
			.contextualName("fanout send")
			.lowCardinalityKeyValue(APPLICATION_ID, this.appId)
			.lowCardinalityKeyValue("fanout.event.source", source);
		if (events.size() == 1) {
			observation.highCardinalityKeyValue(EVENT_ID, events.get(0).id());
		}
		observation.start();
		try (Observation.Scope scope = observation.openScope()) {
			return send.apply(TraceContexts.write(headers));
		}
		catch (RuntimeException | Error ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * Open the scope of a run's attempt on its thread: its MDC entries and, when
	 * observing, a {@code fanout.run} observation that continues the trace of the send of
	 * its trigger.
	 * @param run the run
	 * @return the scope, to close on the same thread
	 */
	public RunScope run(ClaimedRun run) {
		return RunScope.open(this, run);
	}

	/**
	 * Open the scope of a step's attempt on the run's thread: the step key in the MDC
	 * and, when observing, a {@code fanout.step} observation, child of the run's.
	 * @param runId the run
	 * @param functionId its function
	 * @param stepKey the step key
	 * @return the scope, to close on the same thread
	 */
	public StepScope step(String runId, String functionId, String stepKey) {
		return StepScope.open(this, runId, functionId, stepKey);
	}

}
