package dev.fanout.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.TestDatabase;

/**
 * Starts applications that serve the admin API and the dashboard, each on a fresh
 * database, and closes them, and whatever else a test hands it, after each test, the last
 * first.
 */
public final class DashboardApps implements AfterEachCallback {

	private final List<AutoCloseable> resources = new ArrayList<>();

	/**
	 * Start an application with the dashboard enabled on a fresh database.
	 * @param database the kind of database
	 * @param components the application's beans
	 * @param properties more properties, as {@code key=value}
	 * @return the running application
	 */
	public RunningApp start(TestDatabase database, List<Class<?>> components, String... properties) {
		return startOn(database(database), components, properties);
	}

	/**
	 * Start an application with the dashboard enabled.
	 * @param database the database
	 * @param components the application's beans
	 * @param properties more properties, as {@code key=value}
	 * @return the running application
	 */
	public RunningApp startOn(FreshDatabase database, List<Class<?>> components, String... properties) {
		List<String> all = new ArrayList<>(List.of("fanout.dashboard.enabled=true"));
		all.addAll(List.of(properties));
		return close(RunningApp.start(database, components, all.toArray(String[]::new)));
	}

	/**
	 * A fresh database, dropped after the test.
	 * @param database the kind of database
	 * @return the database
	 */
	public FreshDatabase database(TestDatabase database) {
		return close(database.create());
	}

	/**
	 * Close something after the test, before what was handed over earlier.
	 * @param <T> its type
	 * @param resource what to close
	 * @return the resource
	 */
	public <T extends AutoCloseable> T close(T resource) {
		this.resources.add(resource);
		return resource;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		this.resources.clear();
	}

}
