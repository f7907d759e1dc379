package dev.fanout.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.fanout.Event;

/**
 * The functions of this application, by id. Filled once at startup, read concurrently after.
 */
public final class FunctionRegistry {

	private final Map<String, FunctionDefinition> functions = new LinkedHashMap<>();

	private final Map<String, List<FunctionDefinition>> byExactTrigger = new LinkedHashMap<>();

	private final List<FunctionDefinition> withPrefixTrigger = new ArrayList<>();

	/**
	 * Create a registry of the given functions.
	 * @param definitions the functions
	 * @throws IllegalStateException if two share an id, naming both
	 */
	public FunctionRegistry(Collection<FunctionDefinition> definitions) {
		for (FunctionDefinition definition : definitions) {
			FunctionDefinition existing = this.functions.putIfAbsent(definition.id(), definition);
			if (existing != null) {
				throw new IllegalStateException("Duplicate @EventFunction id '" + definition.id() + "' on "
						+ existing.source() + " and " + definition.source() + ": function ids must be unique");
			}
			for (String trigger : definition.triggers()) {
				if (trigger.endsWith("*")) {
					this.withPrefixTrigger.add(definition);
				}
				else {
					this.byExactTrigger.computeIfAbsent(trigger, (key) -> new ArrayList<>()).add(definition);
				}
			}
		}
	}

	/**
	 * The functions an event triggers, each once.
	 * @param event the event
	 * @return the functions, in registration order
	 */
	public List<FunctionDefinition> triggeredBy(Event event) {
		List<FunctionDefinition> candidates = new ArrayList<>(this.byExactTrigger.getOrDefault(event.name(), List.of()));
		for (FunctionDefinition definition : this.withPrefixTrigger) {
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
		return this.byExactTrigger.containsKey(eventName) || this.withPrefixTrigger.stream()
			.anyMatch((d) -> d.triggers().stream().anyMatch((t) -> FunctionDefinition.matches(t, eventName)));
	}

	/**
	 * Find a function.
	 * @param id the function id
	 * @return the function
	 */
	public Optional<FunctionDefinition> get(String id) {
		return Optional.ofNullable(this.functions.get(id));
	}

	/**
	 * The ids of all functions.
	 * @return the ids
	 */
	public Set<String> ids() {
		return this.functions.keySet();
	}

	/**
	 * All functions.
	 * @return the functions, in registration order
	 */
	public Collection<FunctionDefinition> all() {
		return this.functions.values();
	}

}
