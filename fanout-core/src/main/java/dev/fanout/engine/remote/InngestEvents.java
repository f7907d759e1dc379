package dev.fanout.engine.remote;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fanout.Event;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.event.SystemEvents;

/**
 * The names Inngest gives the events fanout sends about runs, both ways: a remote
 * function's trigger {@code inngest/function.failed} is registered as fanout's
 * {@code fanout/function.failed}, whose data already has Inngest's shape, and the event
 * is sent back to the app under Inngest's name, so that a JavaScript {@code onFailure}
 * handler runs. Cron ticks reach the app as {@code inngest/scheduled.timer}.
 *
 * @since 0.1.0
 */
public final class InngestEvents {

	/** The trigger of a run of a failed function's {@code onFailure} handler. */
	public static final String FUNCTION_FAILED = "inngest/function.failed";

	/** Sent when a function's run completes. */
	public static final String FUNCTION_FINISHED = "inngest/function.finished";

	/** The trigger of a run started by {@code step.invoke}. */
	public static final String FUNCTION_INVOKED = "inngest/function.invoked";

	/** The trigger of a cron function's run. */
	public static final String SCHEDULED_TIMER = "inngest/scheduled.timer";

	private static final Map<String, String> TO_FANOUT = Map.of(FUNCTION_FAILED, SystemEvents.FUNCTION_FAILED,
			FUNCTION_FINISHED, SystemEvents.FUNCTION_FINISHED, FUNCTION_INVOKED, SystemEvents.FUNCTION_INVOKED);

	private static final Map<String, String> TO_INNGEST = Map.of(SystemEvents.FUNCTION_FAILED, FUNCTION_FAILED,
			SystemEvents.FUNCTION_FINISHED, FUNCTION_FINISHED, SystemEvents.FUNCTION_INVOKED, FUNCTION_INVOKED,
			SystemEvents.CRON, SCHEDULED_TIMER);

	private InngestEvents() {
	}

	/**
	 * The event name fanout registers for an SDK's trigger.
	 * @param trigger the SDK's trigger event name
	 * @return fanout's name for it, or the name itself
	 */
	public static String fanoutName(String trigger) {
		return TO_FANOUT.getOrDefault(trigger, trigger);
	}

	/**
	 * An event as the SDK is sent it: Inngest's shape ({@code user} always present, time
	 * in epoch milliseconds) and Inngest's name for fanout's own events.
	 * @param event the event
	 * @param cron the cron expression of the function, for its ticks, or {@code null}
	 * @return the event as a JSON object
	 */
	public static Map<String, Object> toInngest(Event event, @Nullable String cron) {
		Map<String, Object> map = new LinkedHashMap<>(EventExpressions.asMap(event));
		// A LinkedHashMap's putIfAbsent also replaces a null value.
		map.putIfAbsent("user", Map.of());
		String name = TO_INNGEST.get(event.name());
		if (name == null) {
			return map;
		}
		map.put("name", name);
		Map<String, Object> data = new LinkedHashMap<>(event.data());
		if (SystemEvents.FUNCTION_FAILED.equals(event.name()) && data.get("event") != null) {
			data.putIfAbsent("events", List.of(data.get("event")));
		}
		if (SystemEvents.CRON.equals(event.name())) {
			data.clear();
			data.put("cron", cron);
			data.put("scheduledAt", event.data().get("tick"));
			data.put("fireAt", event.data().get("tick"));
		}
		map.put("data", data);
		return map;
	}

}
