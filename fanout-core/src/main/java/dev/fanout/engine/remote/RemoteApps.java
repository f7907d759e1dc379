package dev.fanout.engine.remote;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.settings.Limits;

/**
 * The applications of functions written with an Inngest SDK that this application runs.
 * Each is synced (its functions read from its serve URL, or posted by it) and then run by
 * an engine of its own, under the app's id on the same database: today's fan-out creates
 * their runs like any application's, and that engine's worker drives them over HTTP.
 * Syncing again replaces the app's engine.
 *
 * @since 0.1.0
 */
public final class RemoteApps {

	private static final Logger logger = LoggerFactory.getLogger(RemoteApps.class);

	private final List<RemoteApp> apps;

	private final String localAppId;

	private final RemoteCaller caller;

	private final Limits limits;

	private final Backoff backoff;

	private final Engines engines;

	private final Map<URI, Sync> syncs = new LinkedHashMap<>();

	private final Map<String, Runnable> running = new LinkedHashMap<>();

	/**
	 * Create the registry.
	 * @param apps the configured apps
	 * @param localAppId this application's id, which no app may take
	 * @param caller talks to the apps
	 * @param limits the step limits
	 * @param backoff the delays between attempts
	 * @param engines starts an engine for an app's id and functions
	 */
	public RemoteApps(List<RemoteApp> apps, String localAppId, RemoteCaller caller, Limits limits, Backoff backoff,
			Engines engines) {
		this.apps = List.copyOf(apps);
		this.localAppId = localAppId;
		this.caller = caller;
		this.limits = limits;
		this.backoff = backoff;
		this.engines = engines;
	}

	/**
	 * Sync every configured app in band, one after the other. An app that fails to sync
	 * keeps the functions it had, and the failure is logged and reported.
	 * @return how each sync went
	 * @throws InterruptedException if interrupted while waiting for an app
	 */
	public List<Sync> syncAll() throws InterruptedException {
		return sync(this.apps);
	}

	/**
	 * Sync some of the configured apps in band, one after the other.
	 * @param apps the apps to sync
	 * @return how each sync went
	 * @throws InterruptedException if interrupted while waiting for an app
	 */
	public synchronized List<Sync> sync(List<RemoteApp> apps) throws InterruptedException {
		List<Sync> results = new ArrayList<>();
		for (RemoteApp app : apps) {
			results.add(sync(app));
		}
		return results;
	}

	private Sync sync(RemoteApp app) throws InterruptedException {
		JsonNode body;
		try {
			body = this.caller.sync(app);
		}
		catch (IllegalStateException ex) {
			return failed(app, ex.getMessage());
		}
		return apply(app, body);
	}

	/**
	 * Take an app's functions as it posted them to {@code /fn/register}.
	 * @param authorization the request's {@code Authorization} header
	 * @param body the registration body
	 * @return how the sync went
	 * @throws SecurityException if no configured app's signing key gives that bearer
	 */
	public synchronized Sync register(@Nullable String authorization, JsonNode body) {
		RemoteApp app = this.apps.stream()
			.filter((candidate) -> candidate.signingKey() != null
					&& Objects.requireNonNull(candidate.signingKey()).isBearer(authorization))
			.findFirst()
			.orElseThrow(() -> new SecurityException(
					"No configured remote app has a signing key that gives this bearer token"));
		return apply(app, body);
	}

	private Sync apply(RemoteApp app, JsonNode body) {
		SdkFunctions.Synced synced;
		try {
			synced = SdkFunctions.read(body,
					(url, cron) -> new RemoteFunction(app, url, this.caller, this.limits, cron), this.backoff);
		}
		catch (IllegalArgumentException ex) {
			return failed(app, "Syncing " + app.url() + " failed: " + ex.getMessage());
		}
		if (synced.appId().equals(this.localAppId)) {
			return failed(app, "Syncing " + app.url() + " failed: its app id '" + synced.appId()
					+ "' is this application's own; give the SDK app another id");
		}
		synced.refused().values().forEach((reason) -> logger.warn("{}", reason));
		Runnable previous = this.running.remove(synced.appId());
		if (previous != null) {
			previous.run();
		}
		this.running.put(synced.appId(), this.engines.start(synced.appId(), synced.functions()));
		Sync result = new Sync(app.url(), synced.appId(), synced.sdk(),
				synced.functions().stream().map(FunctionDefinition::id).toList(), synced.refused(), null);
		this.syncs.put(app.url(), result);
		logger.info("Synced app '{}' ({}) from {}: {} functions{}", synced.appId(), synced.sdk(), app.url(),
				result.functions().size(),
				synced.refused().isEmpty() ? "" : ", " + synced.refused().size() + " refused");
		return result;
	}

	private Sync failed(RemoteApp app, String message) {
		logger.warn("{}", message);
		Sync previous = this.syncs.get(app.url());
		Sync result = new Sync(app.url(), (previous != null) ? previous.appId() : null,
				(previous != null) ? previous.sdk() : null, (previous != null) ? previous.functions() : List.of(),
				(previous != null) ? previous.refused() : Map.of(), message);
		this.syncs.put(app.url(), result);
		return result;
	}

	/**
	 * How the last sync of each app went.
	 * @return the syncs, by app URL
	 */
	public synchronized List<Sync> status() {
		return List.copyOf(this.syncs.values());
	}

	/**
	 * The configured apps.
	 * @return the apps
	 */
	public List<RemoteApp> apps() {
		return this.apps;
	}

	/**
	 * Stop the apps' engines: no new calls; runs held are handed back.
	 */
	public synchronized void stop() {
		this.running.values().forEach(Runnable::run);
		this.running.clear();
	}

	/**
	 * Starts the engine that runs an app's functions, under the app's id on this
	 * application's database.
	 */
	@FunctionalInterface
	public interface Engines {

		/**
		 * Start an engine.
		 * @param appId the app's id
		 * @param functions its functions
		 * @return what stops the engine
		 */
		Runnable start(String appId, List<FunctionDefinition> functions);

	}

	/**
	 * How an app's last sync went.
	 *
	 * @param url the app's serve URL
	 * @param appId its id, or {@code null} if it never synced
	 * @param sdk its SDK, such as {@code js:v4.24.0}, or {@code null}
	 * @param functions the ids of the functions fanout runs
	 * @param refused why each refused function is not run, by id
	 * @param error why the last sync failed, or {@code null} if it succeeded (the
	 * functions are then those of the last sync that did)
	 */
	public record Sync(URI url, @Nullable String appId, @Nullable String sdk, List<String> functions,
			Map<String, String> refused, @Nullable String error) {
	}

}
