package dev.fanout.autoconfigure.http;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code fanout.http.event-keys} holds at least one non-blank key, in any
 * form the binder reads (a comma-separated value, indexed entries, a YAML list).
 */
final class OnEventKeysCondition extends SpringBootCondition {

	static final String PROPERTY = "fanout.http.event-keys";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		List<String> keys = Binder.get(context.getEnvironment())
			.bind(PROPERTY, Bindable.listOf(String.class))
			.orElse(List.of());
		if (EventKeys.usable(keys).isEmpty()) {
			return ConditionOutcome.noMatch("no " + PROPERTY + " configured, so the HTTP event API is off");
		}
		return ConditionOutcome.match(PROPERTY + " configured");
	}

}
