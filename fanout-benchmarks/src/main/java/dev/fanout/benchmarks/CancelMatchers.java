package dev.fanout.benchmarks;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

import dev.fanout.CancelOn;
import dev.fanout.Event;
import dev.fanout.EventFunction;
import dev.fanout.SendResult;
import dev.fanout.StepContext;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.function.AnnotatedFunctions;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.settings.EngineSettings;
import dev.fanout.json.JacksonPayloadSerializer;

/**
 * What a send costs when many live runs could be cancelled by its events: queue up runs
 * of a function with
 * {@code @CancelOn(event = "app/user.deleted", match = "async.data.id ==
 * event.data.user.id")}, then time one {@code sendAll} of 5,000 {@code app/user.deleted}
 * events, each of which cancels one run, and watch the heap while it runs.
 *
 * @since 0.1.0
 */
public final class CancelMatchers {

	private static final double MB = 1024 * 1024;

	private static final int DELETIONS = 5_000;

	private static final int FILL_BATCH = 1_000;

	private CancelMatchers() {
	}

	/**
	 * Queue the live runs, send the deletions, print one line.
	 * @param target the database server
	 * @param liveRuns how many live runs with a matcher to queue first
	 * @param out where to print
	 */
	public static void run(DatabaseTarget target, int liveRuns, PrintStream out) {
		try (FreshDatabase database = target.create(8)) {
			JacksonPayloadSerializer serializer = new JacksonPayloadSerializer();
			Drip drip = new Drip();
			Method method = Objects.requireNonNull(ReflectionUtils.findMethod(Drip.class, "drip", StepContext.class));
			FanoutEngine engine = FanoutEngine.builder(database.dataSource(), database.transactionManager())
				.settings(EngineSettings.builder("bench").workerEnabled(false).build())
				.serializer(serializer)
				.functions(List.of(AnnotatedFunctions.of("drip", drip, method,
						Objects.requireNonNull(AnnotatedElementUtils.findMergedAnnotation(method, EventFunction.class)),
						AnnotatedFunctions.Overrides.NONE, Backoff.defaults(), serializer)))
				.build();
			engine.start();
			try {
				for (int sent = 0; sent < liveRuns; sent += FILL_BATCH) {
					List<Event> signups = new ArrayList<>(FILL_BATCH);
					for (int i = sent; i < Math.min(liveRuns, sent + FILL_BATCH); i++) {
						signups.add(Event.of("app/user.signup", Map.of("user", Map.of("id", i))));
					}
					engine.sender().sendAll(signups);
				}
				List<Event> deletions = new ArrayList<>(DELETIONS);
				for (int i = 0; i < DELETIONS; i++) {
					deletions.add(Event.of("app/user.deleted", Map.of("id", i)));
				}
				System.gc();
				long before = MemorySampler.liveHeap();
				long start = System.nanoTime();
				long peakHeap;
				try (MemorySampler sampler = MemorySampler.start()) {
					SendResult result = engine.sender().sendAll(deletions);
					Objects.requireNonNull(result);
					peakHeap = sampler.peakHeap();
				}
				double millis = (System.nanoTime() - start) / 1e6;
				long cancelled = database.count("SELECT COUNT(*) FROM fanout_runs WHERE status = 'CANCELLED'");
				out.println(String.format(Locale.ROOT,
						"%-12s matchers   %8d live runs with @CancelOn | one sendAll of %d deletions in %7.0f ms "
								+ "| %d runs cancelled | heap before %4.0f MB | peak heap %5.0f MB",
						target.name(), liveRuns, DELETIONS, millis, cancelled, before / MB, peakHeap / MB));
			}
			finally {
				engine.stop();
			}
		}
	}

	static final class Drip {

		@EventFunction(id = "onboarding-drip", event = "app/user.signup")
		@CancelOn(event = "app/user.deleted", match = "async.data.id == event.data.user.id")
		public void drip(StepContext step) {
			step.sleep("wait", Duration.ofDays(7));
		}

	}

}
