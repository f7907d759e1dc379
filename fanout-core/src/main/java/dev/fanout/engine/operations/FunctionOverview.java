package dev.fanout.engine.operations;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.type.TypeReference;

import dev.fanout.FunctionInfo;
import dev.fanout.RunStatus;
import dev.fanout.spi.PayloadSerializer;
import dev.fanout.store.FunctionKey;
import dev.fanout.store.RegisteredFunction;
import dev.fanout.store.RunStore;

/**
 * The functions of every application on the database, for
 * {@link dev.fanout.FanoutAdmin#functions()}: the function table's rows, with their run
 * counts, paused state and activity, each read once for all functions.
 */
public final class FunctionOverview {

	private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
	};

	private final RunStore store;

	private final PayloadSerializer serializer;

	private final Clock clock;

	/**
	 * Create the overview.
	 * @param store the store
	 * @param serializer reads the stored triggers
	 * @param clock the clock
	 */
	public FunctionOverview(RunStore store, PayloadSerializer serializer, Clock clock) {
		this.store = store;
		this.serializer = serializer;
		this.clock = clock;
	}

	/**
	 * Every function, by application then function id.
	 * @return the functions
	 */
	List<FunctionInfo> functions() {
		List<RegisteredFunction> rows = this.store.functions();
		List<FunctionKey> keys = rows.stream().map((row) -> new FunctionKey(row.appId(), row.functionId())).toList();
		Map<FunctionKey, Map<RunStatus, Long>> counts = this.store.countRunsByFunction();
		Set<FunctionKey> paused = this.store.pausedFunctions();
		Map<FunctionKey, FunctionInfo.Activity> activity = this.store.activity(keys, this.clock.instant());
		return rows.stream().map((row) -> {
			FunctionKey key = new FunctionKey(row.appId(), row.functionId());
			return new FunctionInfo(row.appId(), row.functionId(), row.name(), triggers(row), row.filter(),
					row.retries(), row.flowControl(), paused.contains(key), counts.getOrDefault(key, Map.of()),
					activity.get(key));
		}).toList();
	}

	@SuppressWarnings("unchecked")
	private List<String> triggers(RegisteredFunction row) {
		return (List<String>) this.serializer.deserialize(row.triggers(), STRINGS.getType());
	}

}
