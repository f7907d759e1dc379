package dev.fanout.engine.remote;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fanout.engine.settings.Limits;
import dev.fanout.engine.step.Invocation;
import dev.fanout.engine.step.JournalDriven;
import dev.fanout.engine.step.RunJournal;

/**
 * The body of a function written with an Inngest SDK: each invocation of one of its runs
 * calls the app over HTTP with the run's memos and records what it reports
 * ({@link RemoteRun}).
 *
 * @since 0.1.0
 */
public final class RemoteFunction implements JournalDriven {

	private final RemoteApp app;

	private final URI url;

	private final RemoteCaller caller;

	private final Limits limits;

	private final @Nullable String cron;

	/**
	 * Create the body of a remote function.
	 * @param app the app that serves it
	 * @param url its URL as the app gave it ({@code ...?fnId=<id>&stepId=step})
	 * @param caller makes the calls
	 * @param limits the step limits
	 * @param cron its cron expression, for the ticks it is sent, or {@code null}
	 */
	public RemoteFunction(RemoteApp app, URI url, RemoteCaller caller, Limits limits, @Nullable String cron) {
		this.app = app;
		this.url = url;
		this.caller = caller;
		this.limits = limits;
		this.cron = cron;
	}

	@Override
	public Invocation.Outcome invoke(Invocation invocation, RunJournal journal) {
		return new RemoteRun(this, invocation, journal).drive();
	}

	RemoteApp app() {
		return this.app;
	}

	RemoteCaller caller() {
		return this.caller;
	}

	Limits limits() {
		return this.limits;
	}

	@Nullable String cron() {
		return this.cron;
	}

	/**
	 * The function's URL for a call of one step, or of {@code step} for discovery: the
	 * {@code stepId} parameter set, everything else kept, as Inngest's executor does.
	 * @param stepId the hashed step id, or {@code step}
	 * @return the URL
	 */
	URI url(String stepId) {
		return withParameter(this.url, "stepId", stepId);
	}

	static URI withParameter(URI url, String name, String value) {
		URI without = withoutParameter(url, name);
		String separator = (without.getRawQuery() != null) ? "&" : "?";
		return URI.create(without + separator + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
	}

	static URI withoutParameter(URI url, String name) {
		String text = url.toString();
		int cut = text.indexOf('?');
		if (cut < 0) {
			return url;
		}
		List<String> kept = new ArrayList<>();
		for (String parameter : text.substring(cut + 1).split("&")) {
			if (!parameter.isEmpty() && !parameter.equals(name) && !parameter.startsWith(name + "=")) {
				kept.add(parameter);
			}
		}
		return URI.create(text.substring(0, cut) + (kept.isEmpty() ? "" : "?" + String.join("&", kept)));
	}

	@Override
	public String toString() {
		return "remote function at " + this.url;
	}

}
