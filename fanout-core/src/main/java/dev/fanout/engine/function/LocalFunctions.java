package dev.fanout.engine.function;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.fanout.Event;
import dev.fanout.store.GateLimits;

/**
 * The functions of this application, by id. Functions are registered at startup; lookups
 * read an immutable snapshot, so they need no locking.
 */
public final class LocalFunctions {

	private volatile Snapshot snapshot = new Snapshot(Map.of());

	/**
	 * Create a registry of the given functions.
	 * @param definitions the functions
	 * @throws IllegalStateException if two share an id, naming both
	 */
	public LocalFunctions(Collection<FunctionDefinition> definitions) {
		definitions.forEach(this::register);
	}

	/**
	 * Add a function.
	 * @param definition the function
	 * @throws IllegalStateException if a function with the same id is registered, naming
	 * both
	 */
	public synchronized void register(FunctionDefinition definition) {
		Map<String, FunctionDefinition> functions = new LinkedHashMap<>(this.snapshot.functions);
		FunctionDefinition existing = functions.putIfAbsent(definition.id(), definition);
		if (existing != null) {
			throw new IllegalStateException("Duplicate @EventFunction id '" + definition.id() + "' on "
					+ existing.source() + " and on " + definition.source() + ": function ids must be unique");
		}
		this.snapshot = new Snapshot(functions);
	}

	/**
	 * The functions an event triggers, each once.
	 * @param event the event
	 * @return the functions, in registration order
	 */
	public List<FunctionDefinition> triggeredBy(Event event) {
		Snapshot current = this.snapshot;
		List<FunctionDefinition> candidates = new ArrayList<>(
				current.byExactTrigger.getOrDefault(event.name(), List.of()));
		for (FunctionDefinition definition : current.withPrefixTrigger) {
			if (!candidates.contains(definition)) {
				candidates.add(definition);
			}
		}
		candidates.removeIf((definition) -> !definition.isTriggeredBy(event));
		return candidates;
	}

	/**
	 * Whether any function could be triggered by an event of this name, before filters.
	 * @param eventName the event name
	 * @return whether some trigger matches the name
	 */
	public boolean hasTriggerFor(String eventName) {
		Snapshot current = this.snapshot;
		return current.byExactTrigger.containsKey(eventName) || current.withPrefixTrigger.stream()
			.anyMatch((d) -> d.triggers().stream().anyMatch((t) -> FunctionDefinition.matches(t, eventName)));
	}

	/**
	 * Find a function.
	 * @param id the function id
	 * @return the function
	 */
	public Optional<FunctionDefinition> get(String id) {
		return Optional.ofNullable(this.snapshot.functions.get(id));
	}

	/**
	 * The ids of all functions.
	 * @return the ids
	 */
	public Set<String> ids() {
		return this.snapshot.functions.keySet();
	}

	/**
	 * What lets each function's runs start, for claims.
	 * @return the limits, by function id
	 */
	public Map<String, GateLimits> gateLimits() {
		return this.snapshot.gateLimits;
	}

	/**
	 * Whether some function has a concurrency limit or a throttle.
	 * @return whether its runs wait behind gates
	 */
	public boolean hasGates() {
		return this.snapshot.hasGates;
	}

	/**
	 * All functions.
	 * @return the functions, in registration order
	 */
	public Collection<FunctionDefinition> all() {
		return this.snapshot.functions.values();
	}

	private static final class Snapshot {

		private final Map<String, FunctionDefinition> functions;

		private final Map<String, List<FunctionDefinition>> byExactTrigger = new LinkedHashMap<>();

		private final List<FunctionDefinition> withPrefixTrigger = new ArrayList<>();

		private final Map<String, GateLimits> gateLimits = new LinkedHashMap<>();

		private final boolean hasGates;

		Snapshot(Map<String, FunctionDefinition> functions) {
			this.functions = Collections.unmodifiableMap(functions);
			functions.forEach((id, definition) -> this.gateLimits.put(id, definition.flow().gateLimits()));
			this.hasGates = this.gateLimits.values().stream().anyMatch((limits) -> !limits.equals(GateLimits.NONE));
			for (FunctionDefinition definition : functions.values()) {
				for (String trigger : definition.triggers()) {
					if (trigger.endsWith("*")) {
						if (!this.withPrefixTrigger.contains(definition)) {
							this.withPrefixTrigger.add(definition);
						}
					}
					else {
						this.byExactTrigger.computeIfAbsent(trigger, (key) -> new ArrayList<>()).add(definition);
					}
				}
			}
		}

	}

}
