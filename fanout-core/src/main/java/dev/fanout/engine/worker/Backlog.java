package dev.fanout.engine.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jspecify.annotations.Nullable;

import dev.fanout.store.ClaimedRun;

/**
 * Whether more runs are due than there are threads, and the runs claimed ahead meanwhile:
 * under a backlog the worker claims up to twice its concurrency ahead, for the threads
 * that free up next.
 */
final class Backlog {

	/**
	 * Runs claimed ahead under a backlog, each taken by the next thread that finishes a
	 * run, so that threads do not wait for a claim between runs. They are held like
	 * running ones (in {@link HeldRuns}), and handed back, as if never claimed, when no
	 * thread took them within a poll interval: threads busy with long steps must not keep
	 * them from other instances.
	 */
	private final Queue<Ahead> ahead = new ConcurrentLinkedQueue<>();

	/** The most runs claimed ahead. */
	private final int most;

	private final HeldRuns held;

	private final Signal signal;

	/** Whether the last claim took all it asked for, so more runs may be due. */
	private volatile boolean on;

	/**
	 * Whether a thread took a run claimed ahead since the last claim: runs are claimed
	 * ahead only while threads turn over, not while they are all stuck.
	 */
	private volatile boolean taken;

	Backlog(int most, HeldRuns held, Signal signal) {
		this.most = most;
		this.held = held;
		this.signal = signal;
	}

	boolean isOn() {
		return this.on;
	}

	void set(boolean on) {
		this.on = on;
	}

	/**
	 * Whether there is no backlog and no run claimed ahead is waiting.
	 */
	boolean isClear() {
		return !this.on && this.ahead.isEmpty();
	}

	/**
	 * Whether a thread took a run claimed ahead since the last call.
	 */
	boolean takenSinceLastClaim() {
		boolean taken = this.taken;
		this.taken = false;
		return taken;
	}

	/**
	 * How many more runs may be claimed ahead.
	 */
	int room() {
		return Math.max(0, this.most - this.ahead.size());
	}

	/**
	 * How many runs are claimed ahead now.
	 */
	int ahead() {
		return this.ahead.size();
	}

	/**
	 * Whether more than half the most runs are claimed ahead.
	 */
	boolean hasEnoughAhead() {
		return this.ahead.size() > this.most / 2;
	}

	/**
	 * Keep a claimed run, already held, for the next thread that frees up.
	 */
	void add(ClaimedRun run) {
		this.ahead.add(new Ahead(run, System.nanoTime()));
	}

	/**
	 * The next run claimed ahead, if any; the dispatcher is woken to claim more once half
	 * of them are taken.
	 */
	@Nullable ClaimedRun next() {
		Ahead next = this.ahead.poll();
		if (next == null) {
			return null;
		}
		this.taken = true;
		if (this.on && this.ahead.size() <= this.most / 2) {
			this.signal.wake();
		}
		return next.run();
	}

	/**
	 * Hand back the runs claimed ahead longer ago than the given age, as if never
	 * claimed.
	 */
	void handBackOlderThan(Duration age) {
		long now = System.nanoTime();
		long olderThan = age.toNanos();
		List<String> stale = new ArrayList<>();
		for (Ahead run : this.ahead) {
			if (now - run.claimedAt() >= olderThan && this.ahead.remove(run)) {
				stale.add(run.run().id());
			}
		}
		stale.forEach(this.held::forget);
		this.held.handBack(stale, true);
	}

	/** A run claimed ahead, and when ({@link System#nanoTime()}). */
	private record Ahead(ClaimedRun run, long claimedAt) {
	}

}
