package dev.fanout.multiprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcTransactionManager;

import dev.fanout.Event;
import dev.fanout.EventSender;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.settings.EngineSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several JVMs of {@link LoadApp} on one real PostgreSQL: under load, one instance is
 * killed with SIGKILL, the database stops for ten seconds and starts again, a second
 * instance is killed; at the end every run completed with every step recorded exactly
 * once. And SIGTERM lets an instance finish its running steps and hand the rest back at
 * once. Each test prints its figures.
 */
class MultiProcessTests {

	private static final int EVENTS = Integer.getInteger("fanout.multiprocess.events", 5_000);

	/** Two functions of three steps each per event. */
	private static final int STEPS_PER_EVENT = 6;

	private static final Duration OUTAGE = Duration.ofSeconds(10);

	private static Path work;

	private static RestartablePostgres postgres;

	private final List<Instance> instances = new ArrayList<>();

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeAll
	static void startPostgres() throws IOException {
		work = Files.createDirectories(Path.of("target", "multiprocess", String.valueOf(System.currentTimeMillis())));
		postgres = new RestartablePostgres(work.resolve("pgdata").toAbsolutePath());
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@AfterEach
	void stopEverything() throws Exception {
		for (Instance instance : this.instances) {
			instance.kill();
		}
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void crashesAndADatabaseOutageUnderLoadLoseNothing() {
		HikariDataSource db = freshDatabase();
		List<String> properties = List.of("--fanout.worker.lease-duration=5s", "--fanout.worker.poll-interval=500ms",
				"--fanout.retry.backoff=200ms,500ms,1s,2s,3s", "--spring.datasource.hikari.connection-timeout=2000");
		for (int i = 1; i <= 3; i++) {
			start("instance-" + i, properties);
		}
		awaitStarted();
		Sender sender = new Sender(db);
		Instant loadStart = Instant.now();
		CompletableFuture<Void> load = CompletableFuture.runAsync(() -> sender.sendAll(EVENTS));
		await().atMost(Duration.ofMinutes(2)).until(() -> sender.sent.get() >= EVENTS / 5);
		this.instances.get(0).kill();
		await().atMost(Duration.ofMinutes(2)).until(() -> sender.sent.get() >= 2 * EVENTS / 5);
		postgres.stop();
		// The outage itself: the database is down this long, whatever else happens.
		LockSupport.parkNanos(OUTAGE.toNanos());
		postgres.start();
		await().atMost(Duration.ofMinutes(2)).until(() -> sender.sent.get() >= 4 * EVENTS / 5);
		this.instances.get(1).kill();
		load.join();
		JdbcTemplate jdbc = new JdbcTemplate(db);
		int runs = 2 * EVENTS;
		await().atMost(Duration.ofMinutes(5))
			.pollInterval(Duration.ofSeconds(1))
			.conditionEvaluationListener((condition) -> {
				if (condition.getRemainingTimeInMS() < 1000) {
					// About to time out: say where the runs are.
					System.out.println(
							"Runs, events: " + jdbc.queryForList("SELECT (SELECT COUNT(*) FROM fanout_runs) AS runs, "
									+ "(SELECT COUNT(DISTINCT event_id) FROM fanout_runs) AS triggering, "
									+ "(SELECT COUNT(*) FROM fanout_events) AS events, "
									+ "(SELECT COUNT(*) FROM fanout_event_ids) AS ids"));
					System.out.println("Events without runs: " + jdbc.queryForList(
							"SELECT MIN(received_at) AS first, MAX(received_at) AS last, MIN(id) AS a, MAX(id) AS b "
									+ "FROM fanout_events e WHERE NOT EXISTS (SELECT 1 FROM fanout_runs r WHERE r.event_id = e.id)"));
					System.out.println("Runs by status: " + jdbc.queryForList(
							"SELECT status, lease_owner, attempts, idle_claims, due_at < now() AS due, COUNT(*) AS runs "
									+ "FROM fanout_runs WHERE status <> 'COMPLETED' "
									+ "GROUP BY status, lease_owner, attempts, idle_claims, due_at < now()"));
				}
			})
			.until(() -> count(jdbc, "SELECT COUNT(*) FROM fanout_runs WHERE status = 'COMPLETED'") == runs);
		Duration took = Duration.between(loadStart, Instant.now());

		assertThat(count(jdbc, "SELECT COUNT(*) FROM fanout_runs")).isEqualTo(runs);
		assertThat(count(jdbc, "SELECT COUNT(DISTINCT event_id) FROM fanout_runs")).isEqualTo(EVENTS);
		int steps = count(jdbc, "SELECT COUNT(*) FROM fanout_steps WHERE status = 'COMPLETED'");
		assertThat(steps).isEqualTo(EVENTS * STEPS_PER_EVENT);
		assertThat(count(jdbc, "SELECT COUNT(*) FROM fanout_steps")).isEqualTo(steps);
		assertThat(count(jdbc, "SELECT COUNT(*) FROM (SELECT run_id FROM fanout_steps GROUP BY run_id "
				+ "HAVING COUNT(*) <> 3) AS wrong"))
			.isZero();
		int executed = count(jdbc, "SELECT COUNT(*) FROM (SELECT DISTINCT run_id, step FROM executions) AS e");
		assertThat(executed).isEqualTo(steps);
		int executions = count(jdbc, "SELECT COUNT(*) FROM executions");
		assertThat(count(jdbc, "SELECT COUNT(*) FROM fanout_runs WHERE status = 'RUNNING' AND due_at < now()"))
			.isZero();
		assertThat(sender.failures).as("sends during the outage fail with a clear exception").isNotEmpty();
		System.out.printf("Multi-process run: %d events, %d runs, %d steps recorded exactly once, in %.1f s%n", EVENTS,
				runs, steps, took.toMillis() / 1000.0);
		System.out.printf("  step executions beyond one per step (at-least-once overhead): %d (%.3f%%)%n",
				executions - steps, 100.0 * (executions - steps) / steps);
		System.out.printf("  sends refused during the %d s outage, then retried with the same event id: %d%n",
				OUTAGE.toSeconds(), sender.failures.size());
		sender.failures.stream().distinct().limit(3).forEach((failure) -> System.out.println("    " + failure));
		System.out.printf("  runs stuck RUNNING with an expired lease: 0; instances killed with SIGKILL: 2%n");
	}

	@Test
	void sigtermLetsRunningStepsFinishAndHandsTheRestBackAtOnce() {
		HikariDataSource db = freshDatabase();
		List<String> properties = List.of("--fanout.worker.lease-duration=60s", "--fanout.worker.poll-interval=500ms",
				"--fanout.worker.shutdown-timeout=10s", "--fanout.worker.concurrency=4");
		Instance stopping = start("stopping", properties);
		start("staying", properties);
		awaitStarted();
		EventSender sender = senderEngine(db).sender();
		for (int i = 0; i < 8; i++) {
			sender.send("load/report.requested", Map.of("stepMillis", 1500));
		}
		JdbcTemplate jdbc = new JdbcTemplate(db);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> count(jdbc, "SELECT COUNT(*) FROM executions WHERE instance = 'stopping'") > 0);
		Instant sigterm = Instant.now();
		assertThat(stopping.terminate(Duration.ofSeconds(15))).as("exits within its shutdown timeout").isTrue();
		Duration exit = Duration.between(sigterm, Instant.now());
		await().atMost(Duration.ofSeconds(40))
			.until(() -> count(jdbc, "SELECT COUNT(*) FROM fanout_runs WHERE status = 'COMPLETED'") == 8);
		Duration done = Duration.between(sigterm, Instant.now());

		// Every step the stopping instance started finished there and ran only once.
		assertThat(count(jdbc,
				"SELECT COUNT(*) FROM executions e WHERE e.instance = 'stopping' AND "
						+ "(SELECT COUNT(*) FROM executions o WHERE o.run_id = e.run_id AND o.step = e.step) > 1"))
			.isZero();
		assertThat(count(jdbc, "SELECT COUNT(*) FROM fanout_steps WHERE status = 'COMPLETED'")).isEqualTo(24);
		// Handed back, not left to a 60 s lease.
		assertThat(done).isLessThan(Duration.ofSeconds(40));
		System.out.printf("SIGTERM: exited after %.1f s; all runs completed %.1f s after it (lease 60 s)%n",
				exit.toMillis() / 1000.0, done.toMillis() / 1000.0);
	}

	@Test
	void aRunThatKillsEveryJvmRunningItFailsAfterItsRetriesAndTheRestCompletes() {
		HikariDataSource db = freshDatabase();
		List<String> properties = List.of("--fanout.worker.lease-duration=3s", "--fanout.worker.poll-interval=200ms");
		for (int i = 1; i <= 3; i++) {
			start("crashing-" + i, properties);
		}
		awaitStarted();
		EventSender sender = senderEngine(db).sender();
		String crash = sender.send("load/crash.requested", Map.of()).runIds().get(0);
		int orders = 50;
		for (int i = 0; i < orders; i++) {
			sender.send("load/order.placed", Map.of("order", i));
		}
		JdbcTemplate jdbc = new JdbcTemplate(db);
		await().atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> count(jdbc, "SELECT COUNT(*) FROM fanout_runs WHERE status IN ('COMPLETED', 'FAILED')") == 1
					+ 2 * orders);
		Map<String, Object> run = jdbc.queryForMap("SELECT status, attempts, error FROM fanout_runs WHERE id = ?",
				crash);
		assertThat(run.get("status")).isEqualTo("FAILED");
		// retries = 1: two claims ran it and died; the third ended it without running it.
		assertThat(run.get("attempts")).isEqualTo(3);
		assertThat((String) run.get("error")).contains("claimed 3 times in a row without recording");
		assertThat(count(jdbc, "SELECT COUNT(*) FROM executions WHERE step = 'crash'")).isEqualTo(2);
		assertThat(this.instances.stream().filter(Instance::isAlive).count()).as("two JVMs halted").isOne();
		assertThat(count(jdbc, "SELECT COUNT(*) FROM fanout_runs WHERE status = 'COMPLETED'")).isEqualTo(2 * orders);
		assertThat(count(jdbc, "SELECT COUNT(*) FROM fanout_steps WHERE status = 'COMPLETED'"))
			.isEqualTo(orders * STEPS_PER_EVENT);
		System.out.printf("Poison run: ended FAILED after 3 claims (2 JVMs halted); %d other runs completed%n",
				2 * orders);
	}

	private Instance start(String name, List<String> properties) {
		Instance instance = Instance.start(name, postgres.jdbcUrl().replace("/postgres", "/" + this.database), work,
				properties.toArray(String[]::new));
		this.instances.add(instance);
		return instance;
	}

	private void awaitStarted() {
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
			for (Instance instance : this.instances) {
				assertThat(instance.isAlive()).as(instance.name() + " is running, see " + instance.log()).isTrue();
				if (!Files.readString(instance.log().toPath()).contains("Started LoadApp")) {
					return false;
				}
			}
			return true;
		});
	}

	private String database;

	private HikariDataSource freshDatabase() {
		this.database = "load_" + System.nanoTime();
		HikariDataSource admin = postgres.pool("admin");
		new JdbcTemplate(admin).execute("CREATE DATABASE " + this.database);
		admin.close();
		HikariDataSource db = postgres.pool(this.database);
		db.setJdbcUrl(postgres.jdbcUrl().replace("/postgres", "/" + this.database));
		this.resources.add(db);
		new ResourceDatabasePopulator(new ClassPathResource("dev/fanout/store/jdbc/schema-postgresql.sql")).execute(db);
		new JdbcTemplate(db).execute("CREATE TABLE executions (run_id varchar(26) NOT NULL, step varchar(64) NOT NULL, "
				+ "instance varchar(32) NOT NULL, at timestamp with time zone NOT NULL DEFAULT now())");
		return db;
	}

	private FanoutEngine senderEngine(HikariDataSource db) {
		FanoutEngine engine = FanoutEngine.builder(db, new JdbcTransactionManager(db))
			.settings(EngineSettings.builder("load").workerEnabled(false).build())
			.build();
		engine.start();
		this.resources.add(engine::stop);
		return engine;
	}

	private static int count(JdbcTemplate jdbc, String sql) {
		Integer count = jdbc.queryForObject(sql, Integer.class);
		return (count != null) ? count : 0;
	}

	/**
	 * Sends the load at a steady pace; a send refused during the outage is sent again,
	 * with the same event id, until it goes through.
	 */
	private final class Sender {

		final AtomicInteger sent = new AtomicInteger();

		final List<String> failures = new CopyOnWriteArrayList<>();

		private final EventSender events;

		Sender(HikariDataSource db) {
			this.events = senderEngine(db).sender();
		}

		void sendAll(int count) {
			long pace = TimeUnit.SECONDS.toNanos(1) / 250;
			for (int i = 0; i < count; i++) {
				Event order = Event.builder("load/order.placed").id("order-" + i).data(Map.of("order", i)).build();
				while (true) {
					try {
						this.events.send(order);
						break;
					}
					catch (RuntimeException ex) {
						this.failures.add(ex.getClass().getSimpleName() + ": " + ex.getMessage());
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
					}
				}
				this.sent.incrementAndGet();
				LockSupport.parkNanos(pace);
			}
		}

	}

}
