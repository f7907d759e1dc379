package dev.fanout.engine.operations;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.SendResult;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.engine.function.CronSchedule;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.engine.function.LocalFunctions;
import dev.fanout.engine.sending.EventWriter;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.engine.worker.Schedules;
import dev.fanout.store.CronTickStore;

/**
 * Creates the runs of this application's cron functions, one per tick across all its
 * instances. No instance leads: each one that reaches a tick records it and creates its
 * run in one transaction, and the tick's primary key turns the others' attempts into
 * no-ops.
 * <ul>
 * <li>A function seen for the first time runs at its first tick after that moment, so a
 * deploy does not fire it at once.</li>
 * <li>Each function resumes from its latest recorded tick, so a restart neither repeats
 * nor skips a tick.</li>
 * <li>After downtime over several ticks only the latest of them runs: a run per missed
 * tick would pile up work that is already late.</li>
 * </ul>
 * The dispatcher calls {@link #fireDue()} on each pass and sleeps no longer than
 * {@link #nextCheck()}.
 */
public final class CronTicker implements Schedules {

	private static final Logger logger = LoggerFactory.getLogger(CronTicker.class);

	private final LocalFunctions registry;

	private final CronTickStore store;

	private final EventWriter sender;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final Clock clock;

	private final Duration retryDelay;

	private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();

	/**
	 * Create a ticker.
	 * @param registry this application's functions
	 * @param store the ticks
	 * @param sender writes the ticks' events and runs
	 * @param transaction starts transactions of its own
	 * @param retry retries transient database failures
	 * @param clock the clock
	 * @param retryDelay how long to wait after a tick could not be recorded
	 */
	public CronTicker(LocalFunctions registry, CronTickStore store, EventWriter sender, TransactionTemplate transaction,
			RetrySupport retry, Clock clock, Duration retryDelay) {
		this.registry = registry;
		this.store = store;
		this.sender = sender;
		this.transaction = transaction;
		this.retry = retry;
		this.clock = clock;
		this.retryDelay = retryDelay;
	}

	/**
	 * Load where each cron function's schedule resumes, first recording new functions as
	 * seen now.
	 */
	public void start() {
		this.schedules.clear();
		List<FunctionDefinition> functions = this.registry.all().stream().filter((f) -> f.cron() != null).toList();
		if (functions.isEmpty()) {
			return;
		}
		Instant now = this.clock.instant();
		Map<String, Instant> latest = this.retry.onTransientFailure(() -> this.transaction.execute((status) -> {
			functions.forEach((function) -> this.store.markSeen(function.id(), now));
			return this.store.latestTicks();
		}));
		for (FunctionDefinition function : functions) {
			Instant last = Objects.requireNonNull(latest).getOrDefault(function.id(), now);
			this.schedules.put(function.id(), new Schedule(function, last));
		}
	}

	/**
	 * Create the runs of the ticks that have come; the new runs wake the worker when they
	 * commit.
	 */
	@Override
	public void fireDue() {
		Instant now = this.clock.instant();
		for (Schedule schedule : this.schedules.values()) {
			if (schedule.checkAt != null && !now.isBefore(schedule.checkAt)) {
				fire(schedule, now);
			}
		}
	}

	/**
	 * When {@link #fireDue()} has work next.
	 * @return the earliest time, or empty if no schedule ticks again
	 */
	@Override
	public Optional<Instant> nextCheck() {
		return this.schedules.values()
			.stream()
			.map((schedule) -> schedule.checkAt)
			.filter(Objects::nonNull)
			.min(Instant::compareTo);
	}

	private void fire(Schedule schedule, Instant now) {
		String functionId = schedule.function.id();
		Optional<Instant> tick = schedule.cron().latest(schedule.last, now);
		if (tick.isEmpty()) {
			schedule.checkAt = schedule.cron().next(schedule.last).orElse(null);
			return;
		}
		try {
			this.retry
				.onTransientFailure(() -> this.transaction.execute((status) -> createRun(functionId, tick.get(), now)));
			schedule.passed(tick.get());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not create the run of function '{}' for its cron tick {}; trying again in {}",
					functionId, tick.get(), this.retryDelay, ex);
			schedule.checkAt = now.plus(this.retryDelay);
		}
	}

	private boolean createRun(String functionId, Instant tick, Instant now) {
		if (!this.store.claim(functionId, tick, now)) {
			// Another instance created it, or has passed it already.
			return false;
		}
		SendResult sent = this.sender.writeCronTick(SystemEvents.cronTick(functionId, tick), functionId);
		sent.runIds().forEach((runId) -> this.store.recordRun(functionId, tick, runId));
		return true;
	}

	/**
	 * Where one function's schedule stands; set up before the dispatcher starts, then
	 * read and written by the dispatcher thread only.
	 */
	private static final class Schedule {

		private final FunctionDefinition function;

		/** The latest tick passed, or when the function was first seen. */
		private Instant last;

		/** When to look for a tick next, or {@code null} for never. */
		private @Nullable Instant checkAt;

		Schedule(FunctionDefinition function, Instant last) {
			this.function = function;
			this.last = last;
			this.checkAt = cron().next(last).orElse(null);
		}

		CronSchedule cron() {
			return Objects.requireNonNull(this.function.cron());
		}

		void passed(Instant tick) {
			this.last = tick;
			this.checkAt = cron().next(tick).orElse(null);
		}

	}

}
