package dev.fanout.autoconfigure.remote;

import java.util.ArrayList;
import java.util.List;

import org.springframework.context.SmartLifecycle;

import dev.fanout.autoconfigure.FanoutProperties;
import dev.fanout.engine.remote.RemoteApp;
import dev.fanout.engine.remote.RemoteApps;

/**
 * Syncs the remote apps whose {@code sync-on-startup} is on once the context is refreshed
 * (an app that cannot be reached is logged and keeps what it had), and stops their
 * engines on shutdown, before the {@code DataSource} closes.
 */
final class RemoteAppsLifecycle implements SmartLifecycle {

	private final RemoteApps apps;

	private final List<RemoteApp> onStartup = new ArrayList<>();

	private volatile boolean running;

	RemoteAppsLifecycle(RemoteApps apps, List<FanoutProperties.Remote.App> configured) {
		this.apps = apps;
		for (int i = 0; i < configured.size(); i++) {
			if (configured.get(i).isSyncOnStartup()) {
				this.onStartup.add(apps.apps().get(i));
			}
		}
	}

	@Override
	public void start() {
		try {
			this.apps.sync(this.onStartup);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.apps.stop();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
