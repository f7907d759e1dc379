package dev.fanout.engine.function;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.expression.Expression;
import tools.jackson.core.type.TypeReference;

import dev.fanout.Event;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.RegisteredFunction;
import dev.fanout.store.RunStore;

/**
 * Every function an event can trigger: this application's, from its registry, and those
 * of the other applications sharing the database (and any of this application's that this
 * instance does not have), from the function table, which each application rewrites with
 * its own functions at startup. The other applications' functions are cached and read
 * again when the table's version changes, which costs one small query per send, or none
 * where the send's first statement reads it.
 */
public final class FunctionCatalog {

	private static final Logger logger = LoggerFactory.getLogger(FunctionCatalog.class);

	private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
	};

	private static final TypeReference<List<Map<String, Object>>> RULES = new TypeReference<>() {
	};

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final String appId;

	private final LocalFunctions local;

	private final RunStore store;

	private final PayloadSerializer serializer;

	private final Clock clock;

	private volatile Others others = new Others("", List.of());

	public FunctionCatalog(String appId, LocalFunctions local, RunStore store, PayloadSerializer serializer,
			Clock clock) {
		this.appId = appId;
		this.local = local;
		this.store = store;
		this.serializer = serializer;
		this.clock = clock;
	}

	/**
	 * The functions of every application as they stand now, read in the current
	 * transaction, for the events of one send.
	 * @param version the function table's version, if the send read it already
	 * @return the functions
	 */
	public View view(@Nullable String version) {
		return new View(others((version != null) ? version : this.store.functionsVersion()));
	}

	/**
	 * The functions of every application as last read, without reading the table's
	 * version: for decisions on the hot path of every run's end, which a send refreshes.
	 * @return the functions
	 */
	public View lastView() {
		return new View(this.others);
	}

	/**
	 * One of this application's functions as a target.
	 * @param functionId the function id
	 * @return the target, if this application has the function
	 */
	public Optional<Target> local(String functionId) {
		return this.local.get(functionId).map(this::local);
	}

	/**
	 * A function of this application or of another on the database, such as an
	 * application of functions in another language: what {@code step.invoke} may run.
	 * @param functionId the function id
	 * @return the target, this application's first
	 */
	public Optional<Target> find(String functionId) {
		Optional<Target> local = local(functionId);
		if (local.isPresent()) {
			return local;
		}
		return others(this.store.functionsVersion()).functions()
			.stream()
			.map(Remote::target)
			.filter((target) -> target.functionId().equals(functionId))
			.findFirst();
	}

	public Target local(FunctionDefinition function) {
		return new Target(this.appId, function.id(), function.cancelOn(), function.startTimeout(), function.flow());
	}

	/**
	 * Write this application's functions to the function table, replacing what it wrote
	 * before; in the current transaction.
	 */
	public void register() {
		if (this.local.all().isEmpty()) {
			// A sender-only build of the application: its other instances register.
			return;
		}
		List<RegisteredFunction> rows = new ArrayList<>();
		for (FunctionDefinition function : this.local.all()) {
			List<Map<String, Object>> rules = new ArrayList<>();
			for (FunctionDefinition.CancelRule rule : function.cancelOn()) {
				Map<String, Object> json = new HashMap<>();
				json.put("event", rule.event());
				json.put("match", rule.match());
				json.put("timeoutMillis", (rule.timeout() != null) ? rule.timeout().toMillis() : null);
				rules.add(json);
			}
			rows.add(RegisteredFunction.of(this.appId, function.id(), function.name())
				.triggers(this.serializer.serialize(function.triggers()))
				.filter((function.filter() != null) ? function.filter().getExpressionString() : null)
				.cancelOn(this.serializer.serialize(rules))
				.startTimeoutMillis((function.startTimeout() != null) ? function.startTimeout().toMillis() : null)
				.flowControl(this.serializer.serialize(FlowControlJson.toMap(function.flow())))
				.retries(function.retries())
				.registeredAt(this.clock.instant()));
		}
		this.store.registerFunctions(this.appId, rows);
	}

	private Others others(String version) {
		Others current = this.others;
		if (!version.equals(current.version())) {
			current = new Others(version,
					this.store.functions()
						.stream()
						.filter((row) -> !row.appId().equals(this.appId) || this.local.get(row.functionId()).isEmpty())
						.map(this::remote)
						.flatMap(Optional::stream)
						.toList());
			this.others = current;
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	private Optional<Remote> remote(RegisteredFunction row) {
		try {
			List<String> triggers = (List<String>) this.serializer.deserialize(row.triggers(), STRINGS.getType());
			List<FunctionDefinition.CancelRule> cancelOn = new ArrayList<>();
			for (Map<String, Object> rule : (List<Map<String, Object>>) this.serializer.deserialize(row.cancelOn(),
					RULES.getType())) {
				Number timeout = (Number) rule.get("timeoutMillis");
				cancelOn.add(new FunctionDefinition.CancelRule(String.valueOf(rule.get("event")),
						(String) rule.get("match"), (timeout != null) ? Duration.ofMillis(timeout.longValue()) : null));
			}
			Expression filter = (row.filter() != null) ? EventExpressions.parse(row.filter()) : null;
			Duration start = (row.startTimeoutMillis() != null) ? Duration.ofMillis(row.startTimeoutMillis()) : null;
			FlowControl flow = FlowControlJson.fromMap((row.flowControl() != null)
					? (Map<String, Object>) this.serializer.deserialize(row.flowControl(), MAP.getType()) : null);
			return Optional.of(new Remote(triggers, filter,
					new Target(row.appId(), row.functionId(), List.copyOf(cancelOn), start, flow)));
		}
		catch (RuntimeException ex) {
			// One application's unreadable entry must not stop this one from sending.
			logger.warn(
					"Function '{}' of application '{}' in the function table cannot be read; events do not "
							+ "trigger it until that application registers it again",
					row.functionId(), row.appId(), ex);
			return Optional.empty();
		}
	}

	/**
	 * A function that a run can be created for, in whichever application runs it.
	 *
	 * @param appId the application whose workers run it
	 * @param functionId the function id
	 * @param cancelOn the events that cancel its runs
	 * @param startTimeout the longest wait from event to first start, or {@code null}
	 * @param flow how its runs are let through
	 */
	public record Target(String appId, String functionId, List<FunctionDefinition.CancelRule> cancelOn,
			@Nullable Duration startTimeout, FlowControl flow) {
	}

	/**
	 * The functions of every application at one moment.
	 */
	public final class View {

		private final Others others;

		private View(Others others) {
			this.others = others;
		}

		/**
		 * The functions an event triggers.
		 * @param event the event
		 * @return this application's first, then the others'
		 */
		public List<Target> targetsFor(Event event) {
			List<Target> targets = new ArrayList<>();
			FunctionCatalog.this.local.triggeredBy(event).forEach((function) -> targets.add(local(function)));
			for (Remote remote : this.others.functions()) {
				if (FunctionDefinition.isTriggeredBy(remote.triggers(), remote.filter(), event)) {
					targets.add(remote.target());
				}
			}
			return targets;
		}

		/**
		 * Whether a function of any application could be triggered by events of a name.
		 * @param eventName the event name
		 * @return whether some trigger matches the name
		 */
		public boolean hasTriggerFor(String eventName) {
			return FunctionCatalog.this.local.hasTriggerFor(eventName) || this.others.functions()
				.stream()
				.anyMatch((remote) -> remote.triggers()
					.stream()
					.anyMatch((trigger) -> FunctionDefinition.matches(trigger, eventName)));
		}

	}

	private record Remote(List<String> triggers, @Nullable Expression filter, Target target) {
	}

	private record Others(String version, List<Remote> functions) {
	}

}
